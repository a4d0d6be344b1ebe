import ArgumentParser
import Foundation
import RingsideCore
import RingsideEngine
import RingsideTerminal

/// How the console looks and behaves, for `ringside` and `ringside demo`.
struct ConsoleFlags: ParsableArguments {
    @Flag(help: "Refuse every action that would change a server (shown as READ-ONLY); also RINGSIDE_READ_ONLY=1.")
    var readOnly = false

    /// The gate every change goes through: closed by --read-only or RINGSIDE_READ_ONLY.
    var gate: WriteGate { WriteGate.from(flag: readOnly) }

    @Option(help: "Audit log of actions (default: the fleet file's audit_log, else $XDG_STATE_HOME/ringside/audit.jsonl).")
    var auditLog: String?

    @Flag(help: "ASCII only: no box drawing, blocks or braille (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "No colours, attributes only (also when NO_COLOR is set).")
    var noColor = false

    @Option(help: "Theme name (default, light, solarized-dark, high-contrast, monochrome) or path to a theme file; also RINGSIDE_THEME.")
    var theme: String?

    @Option(help: "Log file (default: $XDG_STATE_HOME/ringside/ringside.log).")
    var logFile: String?

    @Option(name: [.customShort("i"), .long], help: "How often each endpoint is polled, e.g. 1s or 500ms (default: the fleet's polling interval).")
    var interval: String?

    @Option(help: "Connect and reply deadline per endpoint, e.g. 800ms (default: the fleet's polling timeout).")
    var timeout: String?

    /// Polls `fleet` and runs the console until the operator leaves; a signal exits with 128 + its number after the
    /// terminal was restored.
    func open(
        _ fleet: Fleet, ejectionPolicies: [String: [String: TwemproxyEjectionPolicy]], badge: String?,
        extraCommands: (help: [(String, String)], run: @Sendable (String) async -> String?)? = nil,
        sourceNote: (@Sendable () -> String?)? = nil, defaultAuditLog: String = AuditLog.defaultPath()
    ) async throws {
        var fleet = fleet
        if let interval { fleet.polling.interval = try positiveDuration(interval, option: "--interval") }
        if let timeout { fleet.polling.timeout = try positiveDuration(timeout, option: "--timeout") }
        let theme = try ThemeLoader.load(theme)
        let engine = PollEngine(fleet: fleet, ejectionPolicies: ejectionPolicies, logger: makeLogger(path: logFile))
        var options = ConsoleOptions(
            ascii: ascii, monochrome: noColor || ConsoleOptions.noColorRequested(), theme: theme, sourceBadge: badge)
        options.extraCommands = extraCommands
        let gate = writeGate(for: fleet, flag: readOnly)
        options.readOnly = gate.isReadOnly
        options.readOnlyBecause = gate.readOnlyBecause
        let auditPath = auditLog ?? fleet.auditLogPath ?? defaultAuditLog
        let runner = makeActionRunner(fleet: fleet, gate: gate, auditLog: auditPath)
        // HAProxy servers change through the Runtime API, twemproxy pools through their config file.
        if fleet.endpoints.contains(where: { $0.kind == .haproxy || $0.kind == .twemproxy }) { options.actions = runner }
        if fleet.cacheNodes.count >= 2 { options.warming = WarmRunner(actions: runner) }
        options.sourceNote = sourceNote
        // The node detail chart reaches back an hour at most.
        let warms = WarmingReadLog(log: AuditLog(path: auditPath))
        options.warmingReads = { warms.reads(during: Date().addingTimeInterval(-3600)...Date()) }
        let ended: Int32?
        do {
            ended = try await Console.run(engine: engine, options: options)
        } catch {
            await engine.stop()
            FileHandle.standardError.write(Data("ringside: \(error)\n".utf8))
            throw ExitCode(2)
        }
        await engine.stop()
        if let ended, ended != 0 { throw ExitCode(128 + ended) }
    }
}
