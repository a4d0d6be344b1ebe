import ArgumentParser
import Foundation
import RingsideCore
import RingsideEngine

/// `ringside audit`: who did what, what was sent, what the servers answered.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Print the audit log of actions: who, what was sent, what the servers answered.")

    @Option(help: "Only actions newer than this, e.g. 1h, 30m, 2d.")
    var since: String?

    @Flag(help: "Print the records as JSON lines (schema ringside.audit/1), as stored.")
    var json = false

    @Option(help: "Audit log (default: the fleet file's audit_log, else $XDG_STATE_HOME/ringside/audit.jsonl).")
    var auditLog: String?

    @Option(name: .long, help: "Fleet file whose audit_log to read.")
    var config: String?

    func run() async throws {
        let path = try auditLog ?? config.map { try FleetLoader.load(path: $0) }?.auditLogPath ?? AuditLog.defaultPath()
        let cutoff = try since.map { Date().addingTimeInterval(-(try AuditSince.parse($0)).secondsDouble) }
        let (records, problems) = try AuditLog(path: path).read()
        for problem in problems { FileHandle.standardError.write(Data("ringside: \(problem)\n".utf8)) }
        let shown = records.filter { cutoff == nil || $0.time >= cutoff! }
        if json {
            for entry in shown { print(String(decoding: try AuditLog.encoder.encode(entry), as: UTF8.self)) }
        } else {
            print(shown.isEmpty ? "no actions in \(path)\(since.map { " in the last \($0)" } ?? "")" : AuditText.render(shown), terminator: shown.isEmpty ? "\n" : "")
        }
    }
}

/// `--since` takes `30m`, `1h`, `2d` (and whatever `DurationText` reads, such as `90s`).
enum AuditSince {
    static func parse(_ text: String) throws -> Duration {
        if text.hasSuffix("d"), let days = Double(text.dropLast()), days > 0 { return .seconds(days * 86_400) }
        if text.hasSuffix("h"), let hours = Double(text.dropLast()), hours > 0 { return .seconds(hours * 3_600) }
        return try positiveDuration(text, option: "--since")
    }
}
