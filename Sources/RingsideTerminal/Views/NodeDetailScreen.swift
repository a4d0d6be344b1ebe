import RingsideCore
import RingsideEngine

/// One node: every polled field and the recent history of its key metrics.
enum NodeDetailScreen {
    static func draw(
        _ canvas: inout Canvas, _ snapshot: FleetSnapshot, node name: String, span: ChartSpan, context: RenderContext, rows: Range<Int>
    ) {
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
        // The window in polls; every chart column covers an equal share of it.
        let polls = max(1, Int((Double(span.rawValue) / snapshot.fleet.polling.interval.secondsDouble).rounded()))
        func window(_ metric: (NodeHistory.Point) -> Double?) -> [Double?] { history.recent(metric, polls: polls) }
        let ops = ChartWindow.means(window(\.opsPerSecond), columns: chartWidth)
        let evictions = ChartWindow.means(window(\.evictionsPerSecond), columns: chartWidth)
        let hitRatios = window(\.hitRatio)
        // Each row: title, the value now, the chart line (newest at the right), and the slots of text and line.
        var chartRows: [(title: String, now: String, line: String, text: Slot, chart: Slot)] = [
            ("hit ratio", ChartWindow.hitRatios(hitRatios, reads: window(\.reads), columns: chartWidth), Format.percent(node.interval?.hitRatio)),
            ("ops/s", normalised(ops), Format.rate(node.interval?.opsPerSecond)),
            ("evictions/s", normalised(evictions), Format.rate(node.interval?.evictionsPerSecond)),
            ("memory", ChartWindow.means(window(\.memoryFraction), columns: chartWidth), Format.percent(node.cacheSample?.gauges.memoryFraction)),
        ].map { title, values, now in (" " + title, now, context.glyphs.sparkline(values, width: chartWidth), .body, .sparkline) }
        if let marks = warmingMarks(node, snapshot, reads: context.warmingReads, polls: hitRatios.count, columns: chartWidth) {
            let line = String(marks.columns.suffix(chartWidth).map { $0 ? "w" : " " })
            // Right under the hit ratio, whose counters the warm's reads inflate.
            chartRows.insert(
                ("  warm reads", marks.running ? "now" : "", String(repeating: " ", count: max(0, chartWidth - line.count)) + line, .warn, .warn), at: 1)
        }
        for row in chartRows where y < rows.upperBound {
            canvas.put(row.title.leftAligned(13), x: 0, y: y, slot: row.text)
            canvas.put(row.now.rightAligned(8), x: 13, y: y, slot: row.text)
            canvas.put(row.line, x: 23, y: y, slot: row.chart)
            y += 1
        }
        canvas.put(" \(span.label) (w changes), newest at the right; ops and evictions scaled to their peak", x: 0, y: y, slot: .dim)
        y += 1
        // The node's last events: its errors, resets and threshold crossings, newest first.
        for event in snapshot.events.reversed().filter({ $0.endpoint == name }).prefix(3) where y < rows.upperBound {
            canvas.put(" " + event.message, x: 0, y: y, slot: EventsScreen.slot(for: event))
            y += 1
        }
        y += 1
        guard let sample = node.cacheSample else { return }
        var fields: [(String, String)] = [
            ("hits", Format.count(sample.counters.hits)), ("misses", Format.count(sample.counters.misses)),
            ("gets", Format.count(sample.counters.gets)), ("sets", Format.count(sample.counters.sets)),
            ("evictions", Format.count(sample.counters.evictions)), ("expirations", Format.count(sample.counters.expirations)),
            ("commands", Format.count(sample.counters.commands)), ("memory used", Format.bytes(sample.gauges.memoryUsedBytes)),
            ("memory limit", Format.memoryLimit(sample.gauges.memoryLimitBytes, unlimited: sample.gauges.memoryUnlimited)),
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

    /// The hit-ratio chart's columns in which a warm was reading the node (its reads count as hits), and whether
    /// one still is; `nil` when none touched the window. A poll's time is counted back from the snapshot's by
    /// the polling interval (the history keeps one point per poll, not its time).
    static func warmingMarks(
        _ node: EndpointState, _ snapshot: FleetSnapshot, reads: [WarmingRead], polls count: Int, columns: Int
    ) -> (columns: [Bool], running: Bool)? {
        let mine = reads.filter { $0.node == node.endpoint.name }
        guard !mine.isEmpty else { return nil }
        let interval = snapshot.fleet.polling.interval.secondsDouble
        let marks = ChartWindow.marks(count, columns: columns) { index in
            let time = snapshot.takenAt.addingTimeInterval(-Double(count - 1 - index) * interval)
            return mine.contains { $0.covers(time) }
        }
        let running = mine.contains { $0.until == nil }
        guard running || marks.contains(true) else { return nil }
        return (marks, running)
    }

    /// Values scaled to their peak, for a chart of rates.
    private static func normalised(_ values: [Double?]) -> [Double?] {
        let maximum = values.compactMap { $0 }.max() ?? 0
        return values.map { value in value.map { maximum > 0 ? $0 / maximum : 0 } }
    }
}
