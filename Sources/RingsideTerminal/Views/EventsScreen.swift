import Foundation
import RingsideEngine

/// State changes, resets and server transitions, newest first.
enum EventsScreen {
    static func draw(_ canvas: inout Canvas, _ snapshot: FleetSnapshot, state: ConsoleState, context: RenderContext, rows: Range<Int>) {
        let needle = state.filter.lowercased()
        let events = snapshot.events.filter { event in
            needle.isEmpty || "\(event.endpoint) \(event.kind.rawValue) \(event.message)".lowercased().contains(needle)
        }
        let filtered = needle.isEmpty && !state.editingFilter ? "" : "  filter: \(state.filter)"
        canvas.put(" EVENTS \(events.count)\(filtered)  (newest first)", x: 0, y: rows.lowerBound, slot: .title)
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        for (offset, event) in events.reversed().prefix(rows.count - 1).enumerated() {
            let y = rows.lowerBound + 1 + offset
            var x = canvas.put(" \(formatter.string(from: event.at))  ", x: 0, y: y, slot: .dim)
            x += canvas.put(event.kind.rawValue.leftAligned(7), x: x, y: y, slot: .title)
            x += canvas.put(event.endpoint.leftAligned(16) + " ", x: x, y: y, slot: .body)
            canvas.put(event.message, x: x, y: y, slot: slot(for: event))
        }
    }

    /// Transitions into a failing state read as critical; recoveries as ok; resets and the rest as warnings.
    static func slot(for event: FleetEvent) -> Slot {
        if event.kind == .threshold { return event.message.contains("recovered") || event.message.contains("stopped") || event.message.contains("back to") ? .ok : .warn }
        let outcome = event.message.split(separator: "→").last.map(String.init) ?? event.message
        if ["DOWN", "AUTH", "PROTO"].contains(where: outcome.contains) { return .critical }
        if outcome.contains("UP") && !outcome.contains("UP ") { return .ok }
        return .warn
    }
}
