import Foundation
import RingsideCore

/// The audit log as `ringside audit` prints it: one entry per action.
public enum AuditText {
    public static func render(_ records: [AuditRecord]) -> String {
        let format = ISO8601DateFormatter()
        var text = ""
        for record in records {
            let who = record.operator.user + (record.operator.sudoUser.map { " (sudo from \($0))" } ?? "")
                + (record.operator.sshClient.map { " from \($0)" } ?? "")
            let result = record.result == .interrupted ? "interrupted (begun, never finished)" : record.result.rawValue
            text += "\(format.string(from: record.time))  \(who) on \(record.host)  \(record.action)  \(result)"
            if let duration = record.durationMs { text += "  \(Format.milliseconds(duration))" }
            text += "\n"
            for endpoint in record.endpoints {
                for sent in endpoint.sent {
                    let answer = sent.reply.map { $0.isEmpty ? "ok" : "'\($0)'" } ?? "no answer (\(sent.failure ?? "?"))"
                    text += "    \(endpoint.endpoint): \(sent.command) → \(answer)\n"
                }
                text += "    \(endpoint.endpoint): \(endpoint.result.rawValue): \(endpoint.detail)\n"
            }
        }
        return text
    }
}
