import Foundation
import RingsideCore

/// Every action of this session, newest first: each command sent to each balancer with its reply, verbatim and
/// timestamped, then the outcome. The audit log keeps them for good; this is the on-call view of it.
enum ActionLogScreen {
    static func lines(_ reports: [ActionReport]) -> [(text: String, slot: Slot)] {
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        var lines: [(String, Slot)] = []
        for report in reports.reversed() {
            let slot: Slot = report.result.succeeded ? .ok : report.result == .cancelled ? .dim : .critical
            lines.append((" \(clock.string(from: report.startedAt))  \(report.action.summary)  \(report.result.rawValue)", slot))
            for member in report.members {
                for sent in member.sent {
                    let answer = sent.reply.map { $0.isEmpty ? "ok" : "'\($0)'" } ?? "no answer (\(sent.failure ?? "?"))"
                    lines.append(("   \(clock.string(from: sent.sentAt))  \(member.endpoint): \(sent.command) → \(answer)", sent.accepted ? .body : .critical))
                }
                lines.append(("   \(member.endpoint): \(member.result.rawValue): \(member.detail)", member.result.succeeded ? .dim : .warn))
            }
        }
        return lines
    }

    static func draw(_ canvas: inout Canvas, reports: [ActionReport], state: ConsoleState, rows: Range<Int>) {
        let lines = lines(reports)
        canvas.put(" ACTIONS \(reports.count) this session  (newest first; every one is in the audit log)", x: 0, y: rows.lowerBound, slot: .title)
        guard !lines.isEmpty else {
            canvas.put(" no actions yet: on the balancers screen (3), d drains, m maint, u ready, W weight", x: 0, y: rows.lowerBound + 1, slot: .dim)
            return
        }
        let visible = rows.count - 1
        let offset = min(state.selection, max(0, lines.count - visible))
        for (row, line) in lines.dropFirst(offset).prefix(visible).enumerated() {
            canvas.put(line.text, x: 0, y: rows.lowerBound + 1 + row, slot: line.slot, maxWidth: canvas.width)
        }
    }
}
