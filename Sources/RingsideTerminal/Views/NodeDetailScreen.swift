import RingsideCore
import RingsideEngine

/// One node: every polled field and the recent history of its key metrics.
enum NodeDetailScreen {
    static func draw(_ canvas: inout Canvas, _ snapshot: FleetSnapshot, node name: String, context: RenderContext, rows: Range<Int>) {
        guard let node = snapshot.endpoints.first(where: { $0.endpoint.name == name }) else {
            canvas.put(" \(name) is no longer in the fleet (Esc returns)", x: 0, y: rows.lowerBound, slot: .warn)
            return
        }
        var y = rows.lowerBound
        var x = canvas.put(" \(node.endpoint.name)  \(node.endpoint.kind.rawValue) \(node.endpoint.address)  ", x: 0, y: y, slot: .title)
        x += canvas.put(node.health.word, x: x, y: y, slot: Severity.health(node.health))
        if let error = node.health.detail { canvas.put("  \(error)", x: x, y: y, slot: .critical) }
        y += 2
        let chartWidth = canvas.width - 24
        let history = node.history
        let maxOps = history.opsPerSecond.values.compactMap { $0 }.max() ?? 0
        let maxEvictions = history.evictionsPerSecond.values.compactMap { $0 }.max() ?? 0
        let charts: [(String, [Double?], String)] = [
            ("hit ratio", Array(history.hitRatio.values), Format.percent(node.interval?.hitRatio)),
            ("ops/s", normalised(history.opsPerSecond.values, to: maxOps), Format.rate(node.interval?.opsPerSecond)),
            ("evictions/s", normalised(history.evictionsPerSecond.values, to: maxEvictions), Format.rate(node.interval?.evictionsPerSecond)),
            ("memory", Array(history.memoryFraction.values), Format.percent(node.cacheSample?.gauges.memoryFraction)),
        ]
        for (title, values, now) in charts where y < rows.upperBound {
            canvas.put(" " + title.leftAligned(12), x: 0, y: y, slot: .body)
            canvas.put(now.rightAligned(8), x: 13, y: y, slot: .body)
            canvas.put(context.glyphs.sparkline(values, width: chartWidth), x: 23, y: y, slot: .sparkline)
            y += 1
        }
        canvas.put(" last \(min(history.hitRatio.values.count, chartWidth)) polls, newest at the right", x: 0, y: y, slot: .dim)
        y += 2
        guard let sample = node.cacheSample else { return }
        var fields: [(String, String)] = [
            ("hits", Format.count(sample.counters.hits)), ("misses", Format.count(sample.counters.misses)),
            ("gets", Format.count(sample.counters.gets)), ("sets", Format.count(sample.counters.sets)),
            ("evictions", Format.count(sample.counters.evictions)), ("expirations", Format.count(sample.counters.expirations)),
            ("commands", Format.count(sample.counters.commands)), ("memory used", Format.bytes(sample.gauges.memoryUsedBytes)),
            ("memory limit", sample.gauges.memoryLimitBytes.map { Format.bytes($0) } ?? "no limit"),
            ("items", Format.count(sample.gauges.items)), ("connections", Format.count(sample.gauges.connections)),
            ("uptime", sample.identity.uptimeSeconds.map { "\($0)s" } ?? Format.none), ("instance", sample.identity.instance ?? Format.none),
        ]
        fields += sample.details.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        fields += sample.unavailable.sorted { $0.key < $1.key }.map { ("\($0.key) unavailable", $0.value) }
        let perColumn = max(1, rows.upperBound - y)
        for (index, field) in fields.enumerated() {
            let column = index / perColumn
            guard column < 2 else { break }
            let fx = 1 + column * (canvas.width / 2), fy = y + index % perColumn
            canvas.put(field.0.leftAligned(16), x: fx, y: fy, slot: .dim)
            canvas.put(field.1, x: fx + 17, y: fy, slot: .body, maxWidth: canvas.width / 2 - 19)
        }
    }

    private static func normalised<S: Sequence>(_ values: S, to maximum: Double) -> [Double?] where S.Element == Double? {
        values.map { value in value.map { maximum > 0 ? $0 / maximum : 0 } }
    }
}
