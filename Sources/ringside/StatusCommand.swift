import ArgumentParser
import Foundation
import Logging
import RingsideCore
import RingsideEngine

/// `ringside status`: poll every endpoint twice, an interval apart, print one picture of the fleet, and exit
/// 0 when all is healthy, 1 when something is degraded or down.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Poll the fleet twice, an interval apart, and print its state.",
        discussion: """
            Exit status: 0 all healthy; 1 something degraded or down (an endpoint not UP, an HAProxy server \
            failing checks, a twemproxy server ejected); 2 usage or fleet file error.
            """)

    @OptionGroup var fleetOptions: FleetOptions

    @Option(help: "Time between the two polls, e.g. 1s or 500ms (default: the fleet's polling interval).")
    var interval: String?

    @Option(help: "Connect and reply deadline per endpoint, e.g. 800ms (default: the fleet's polling timeout).")
    var timeout: String?

    @Flag(help: "Print the report as JSON (schema ringside.status/1, see README.md).")
    var json = false

    @Option(help: "Log file (default: $XDG_STATE_HOME/ringside/ringside.log).")
    var logFile: String?

    @Option(help: "Audit log whose warms mark the nodes they read (default: the fleet file's audit_log, else $XDG_STATE_HOME/ringside/audit.jsonl).")
    var auditLog: String?

    func run() async throws {
        guard var fleet = try fleetOptions.fleet() else {
            FileHandle.standardError.write(Data((howToGiveAFleet + "\n").utf8))
            throw ExitCode(2)
        }
        if let interval { fleet.polling.interval = try positiveDuration(interval, option: "--interval") }
        if let timeout { fleet.polling.timeout = try positiveDuration(timeout, option: "--timeout") }
        let logger = makeLogger(path: logFile)
        let engine = PollEngine(fleet: fleet, ejectionPolicies: try FleetLoader.ejectionPolicies(for: fleet), historyCapacity: 2, logger: logger)
        let firstPoll = Date()
        await engine.pollAllOnce()
        try await Task.sleep(for: fleet.polling.interval)
        await engine.pollAllOnce()
        var report = StatusReport(engine.snapshot())
        await engine.stop()
        // Warms (this host's audit log) that read a node meanwhile: its hit ratio counts their reads.
        let audit = WarmingReadLog(log: AuditLog(path: auditLog ?? fleet.auditLogPath ?? AuditLog.defaultPath()))
        report.mark(audit.reads(during: firstPoll...Date()))
        if json {
            FileHandle.standardOutput.write(try report.json() + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(StatusText.render(report).utf8))
        }
        if !report.healthy { throw ExitCode(1) }
    }

}

/// A command-line duration such as 500ms, 1s or 2m; anything else is a usage error naming the option.
func positiveDuration(_ text: String, option: String) throws -> Duration {
    guard let value = DurationText.parse(text), value > .zero else {
        throw ValidationError("\(option) takes a positive duration such as 500ms, 1s or 2m (got '\(text)')")
    }
    return value
}

/// A logger writing to the log file; ringside never logs to the screen. A log file that cannot be opened never
/// stops monitoring: one warning on stderr names the path and the reason, and ringside goes on without a log.
func makeLogger(path: String?) -> Logger {
    let file = path ?? FileLogHandler.defaultPath()
    do {
        let sink = try FileLogHandler.Sink(path: file)
        return Logger(label: "ringside") { label in FileLogHandler(label: label, sink: sink) }
    } catch {
        FileHandle.standardError.write(Data("ringside: warning: no log file: cannot write \(file) (\(logFailureReason(error))); going on without one\n".utf8))
        return Logger(label: "ringside") { _ in SwiftLogNoOpLogHandler() }
    }
}

/// The system's words for why a file could not be created or opened ("Permission denied").
private func logFailureReason(_ error: any Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let code = underlying.map({ Int32($0.code) }), underlying?.domain == NSPOSIXErrorDomain { return String(cString: strerror(code)) }
    return (error as NSError).localizedDescription
}
