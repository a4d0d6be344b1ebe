import Foundation
import RingsideCore

/// The audit log as `ringside audit` prints it: one entry per action, the finished line when there is one, the
/// started line alone when the action never finished (a crash, a kill).
public enum AuditText {
    public struct Entry: Sendable {
        public var record: AuditRecord
        /// Started and never finished.
        public var interrupted: Bool
        public var time: Date { record.time }
    }

    public static func entries(_ records: [AuditRecord]) -> [Entry] {
        let finished = Set(records.filter { $0.phase == .finished }.map(\.id))
        return records.compactMap { record in
            switch record.phase {
            case .finished: Entry(record: record, interrupted: false)
            case .started: finished.contains(record.id) ? nil : Entry(record: record, interrupted: true)
            }
        }
    }

    public static func render(_ entries: [Entry]) -> String {
        let format = ISO8601DateFormatter()
        var text = ""
        for entry in entries {
            let record = entry.record
            let who = record.operator.user + (record.operator.sudoUser.map { " (sudo from \($0))" } ?? "")
                + (record.operator.sshClient.map { " from \($0)" } ?? "")
            let result = entry.interrupted ? "interrupted (started, never finished)" : record.result?.rawValue ?? "?"
            text += "\(format.string(from: record.time))  \(who) on \(record.host)  \(record.action)  \(result)"
            if let duration = record.durationMs { text += "  \(Format.milliseconds(duration))" }
            text += "\n"
            for endpoint in record.endpoints {
                for sent in endpoint.sent {
                    let answer = sent.reply.map { $0.isEmpty ? "ok" : "'\($0)'" } ?? "no answer (\(sent.failure ?? "?"))"
                    text += "    \(endpoint.endpoint): \(sent.command) → \(answer)\n"
                }
                if !entry.interrupted { text += "    \(endpoint.endpoint): \(endpoint.result.rawValue): \(endpoint.detail)\n" }
            }
        }
        return text
    }
}
