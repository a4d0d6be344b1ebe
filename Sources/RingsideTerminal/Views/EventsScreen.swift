import Foundation
import RingsideEngine

/// The alerts active now (what the header counts), then state changes, resets and server transitions, newest
/// first.
enum EventsScreen {
    static func draw(_ canvas: inout Canvas, _ snapshot: FleetSnapshot, state: ConsoleState, context: RenderContext, rows: Range<Int>) {
        let needle = state.filter.lowercased()
        // At 80 columns the message needs the room more than long node names do.
        let nameWidth = canvas.width >= 100 ? 16 : 12
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        let alerts = snapshot.alerts.filter { needle.isEmpty || "\($0.endpoint) \($0.message)".lowercased().contains(needle) }
        var y = rows.lowerBound
        canvas.put(alerts.isEmpty ? " ALERTS none active" : " ALERTS \(alerts.count) active", x: 0, y: y, slot: .title)
        y += 1
        // Alerts take at most half the screen; the rest is the event log.
        let alertRows = min(alerts.count, max(1, (rows.count - 3) / 2))
        for (index, alert) in alerts.prefix(alertRows).enumerated() {
            if index == alertRows - 1 && alerts.count > alertRows {
                canvas.put("  \(context.glyphs.ellipsis) \(alerts.count - index) more alerts", x: 0, y: y, slot: .dim)
            } else {
                var x = canvas.put(" \(formatter.string(from: alert.since))  ", x: 0, y: y, slot: .dim)
                let critical = alert.severity == .critical
                x += canvas.put((critical ? "CRIT" : "WARN").leftAligned(9), x: x, y: y, slot: critical ? .critical : .warn)
                x += canvas.put(alert.endpoint.fittedInTheMiddle(to: nameWidth, ellipsis: context.glyphs.ellipsis).leftAligned(nameWidth) + " ", x: x, y: y, slot: .body)
                canvas.put(alert.message, x: x, y: y, slot: critical ? .critical : .warn)
            }
            y += 1
        }
        let events = snapshot.events.filter { event in
            needle.isEmpty || "\(event.endpoint) \(event.kind.rawValue) \(event.message)".lowercased().contains(needle)
        }
        let filtered = needle.isEmpty && !state.editingFilter ? "" : "  filter: \(state.filter)"
        canvas.put(" EVENTS \(events.count)\(filtered)  (newest first)", x: 0, y: y, slot: .title)
        for (offset, event) in events.reversed().prefix(max(0, rows.upperBound - y - 1)).enumerated() {
            let line = y + 1 + offset
            var x = canvas.put(" \(formatter.string(from: event.at))  ", x: 0, y: line, slot: .dim)
            x += canvas.put(event.kind.rawValue.leftAligned(8) + " ", x: x, y: line, slot: .title)
            x += canvas.put(event.endpoint.fittedInTheMiddle(to: nameWidth, ellipsis: context.glyphs.ellipsis).leftAligned(nameWidth) + " ", x: x, y: line, slot: .body)
            canvas.put(event.message, x: x, y: line, slot: slot(for: event))
        }
    }

    /// Transitions into a failing state read as critical; recoveries as ok; resets and the rest as warnings.
    static func slot(for event: FleetEvent) -> Slot {
        if event.kind == .threshold { return event.message.hasPrefix("cleared") ? .ok : .warn }
        if event.kind == .restarted { return event.message.contains("warm again") ? .ok : .warn }
        if event.kind == .ejection { return event.message.hasSuffix("ejected") ? .critical : .ok }
        let outcome = event.message.split(separator: "→").last.map(String.init) ?? event.message
        if ["DOWN", "AUTH", "PROTO"].contains(where: outcome.contains) { return .critical }
        if outcome.contains("UP") && !outcome.contains("UP ") { return .ok }
        return .warn
    }
}
