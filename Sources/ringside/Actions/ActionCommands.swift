import ArgumentParser
import Foundation
import NIOPosix
import RingsideCore
import RingsideEngine
#if canImport(Glibc)
import Glibc
#endif

/// What every action command takes: the fleet, and how far to go.
struct ActionFlags: ParsableArguments {
    @OptionGroup var fleetOptions: FleetOptions

    @Flag(help: "Print the preview and send nothing.")
    var dryRun = false

    @Flag(help: "Apply without asking (for scripts). Without it and without a terminal, the action is refused.")
    var yes = false

    @Flag(help: "Print the preview and the outcome as JSON (schema ringside.action/1).")
    var json = false

    @Flag(help: "Refuse every change (also: read_only: true in the fleet file, or RINGSIDE_READ_ONLY=1).")
    var readOnly = false

    @Option(help: "Audit log (default: the fleet file's audit_log, else $XDG_STATE_HOME/ringside/audit.jsonl).")
    var auditLog: String?

    @Option(help: "How long to re-read the servers for the change to show, e.g. 5s.")
    var verifyTimeout: String?

    func fleet() throws -> Fleet {
        guard let fleet = try fleetOptions.fleet() else {
            FileHandle.standardError.write(Data((howToGiveAFleet + "\n").utf8))
            throw ExitCode(2)
        }
        return fleet
    }

    func runner(for fleet: Fleet) throws -> ActionRunner {
        var runner = makeActionRunner(
            fleet: fleet, gate: writeGate(for: fleet, flag: readOnly), auditLog: auditLog ?? fleet.auditLogPath ?? AuditLog.defaultPath())
        if let verifyTimeout { runner.verifyTimeout = try positiveDuration(verifyTimeout, option: "--verify-timeout") }
        return runner
    }

    /// Previews the action, asks (unless `--yes`), executes, prints, and exits by the result: 0 applied or already
    /// in effect, 1 not applied, partial, refused or cancelled, 2 for usage and fleet errors. `steps` runs what was
    /// confirmed (one action, or drain → wait → maint).
    func perform(
        _ makeAction: () throws(ActionError) -> OperatorAction,
        steps: @Sendable (ActionRunner, ActionPreview) async throws(ActionError) -> [ActionReport] = { runner, preview in [await runner.execute(preview)] }
    ) async throws {
        let action = try makeAction()
        // A server of a consistent-hash ring: its plan (what moves where) comes first.
        try await perform(prepare: { runner throws(ActionError) in
            let preview = try await runner.preview(action)
            var plan: String?
            if let weight = preview.members.first?.expected?.userWeight, case .weight = action.verb {
                plan = await runner.ringPlan(of: OperatorAction(target: action.target, verb: .weight(.absolute(weight)))).map(RingText.render)
            } else {
                plan = await runner.ringPlan(of: action).map(RingText.render)
            }
            return (preview, plan)
        }, steps: steps)
    }

    /// `prepare` reads what the action needs and returns its preview, with text to print before it (a ring plan).
    func perform(
        prepare: @Sendable (ActionRunner) async throws(ActionError) -> (ActionPreview, String?),
        steps: @Sendable (ActionRunner, ActionPreview) async throws(ActionError) -> [ActionReport] = { runner, preview in [await runner.execute(preview)] }
    ) async throws {
        let fleet = try fleet()
        let runner = try self.runner(for: fleet)
        let (preview, header) = try await prepare(runner)
        if let header, !json { print(header, terminator: "") }
        if dryRun {
            print(json ? try ActionOutput.json(preview: preview, reports: []) : ActionText.preview(preview) + "dry run: nothing was sent")
            return
        }
        if !json { print(ActionText.preview(preview), terminator: "") }
        let reports = try await confirmThenRun(preview, runner: runner, steps: steps)
        if json {
            print(try ActionOutput.json(preview: preview, reports: reports))
        } else {
            print(reports.map(ActionText.report).joined(), terminator: "")
        }
        if !reports.allSatisfy(\.result.succeeded) { throw ExitCode(1) }
    }
}

extension ActionFlags {
    /// Runs `steps` once the previewed action is confirmed (the default is cancel, which is audited); without
    /// asking when it is already in effect, read-only (the gate refuses it where it would be sent, and says why)
    /// or `--yes`. Without a terminal to ask on, nothing runs and the exit status is 1.
    func confirmThenRun(
        _ preview: ActionPreview, runner: ActionRunner, steps: @Sendable (ActionRunner, ActionPreview) async throws(ActionError) -> [ActionReport]
    ) async throws -> [ActionReport] {
        if preview.alreadyInEffect || runner.gate.isReadOnly || yes { return try await steps(runner, preview) }
        guard let confirmed = Confirmation.ask(preview) else {
            FileHandle.standardError.write(Data("ringside: not applied: there is no terminal to confirm on; pass --yes to apply from a script\n".utf8))
            throw ExitCode(1)
        }
        return confirmed ? try await steps(runner, preview) : [runner.cancel(preview).0]
    }
}

/// `--read-only`, `RINGSIDE_READ_ONLY`, or the fleet file's `read_only: true`: the gate of every change.
func writeGate(for fleet: Fleet, flag: Bool) -> WriteGate {
    let fromFlags = WriteGate.from(flag: flag)
    if fromFlags.isReadOnly || !fleet.readOnly { return fromFlags }
    return WriteGate(readOnlyBecause: "read_only: true in the fleet file")
}

/// The runner the console and the action commands share: this operator, this host, this build.
func makeActionRunner(fleet: Fleet, gate: WriteGate, auditLog: String) -> ActionRunner {
    let environment = ProcessInfo.processInfo.environment
    return ActionRunner(
        fleet: fleet, gate: gate, audit: AuditLog(path: auditLog),
        operatorIdentity: AuditOperator(user: currentUser(environment), environment: environment), host: ProcessInfo.processInfo.hostName,
        version: Ringside.version, group: MultiThreadedEventLoopGroup.singleton)
}

/// The name the operator logged in as, for the audit log.
func currentUser(_ environment: [String: String]) -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return environment["USER"] ?? "uid \(geteuid())"
}

/// Asks on the terminal; the default is Cancel. `nil` when there is no terminal to ask on.
enum Confirmation {
    static func ask(_ preview: ActionPreview) -> Bool? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1 else { return nil }
        // A group action is confirmed by typing the group's name; one balancer's by typing yes.
        let word = preview.members.count > 1 ? preview.action.target.scope : "yes"
        FileHandle.standardError.write(Data("Apply \(preview.action.summary)? Type '\(word)' to apply, anything else cancels: ".utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces) == word
    }
}

struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Drain an HAProxy server: no new sessions, the current ones finish (on every member of a group).",
        discussion: actionDiscussion)

    @Argument(help: "BALANCER/BACKEND/SERVER; BALANCER may be a group.") var target: String
    @Flag(help: "Then wait for its sessions and queue to reach zero (or --timeout), and put it in maintenance.") var thenMaint = false
    @Option(help: "How long --then-maint waits for the sessions to end, e.g. 5m.") var timeout = "5m"
    @Flag(help: "With --then-maint: after the timeout, end the remaining sessions before maintenance.") var shutdownSessions = false
    @OptionGroup var flags: ActionFlags

    func run() async throws {
        guard thenMaint || !shutdownSessions else { throw ValidationError("--shutdown-sessions goes with --then-maint") }
        let timeout = try positiveDuration(timeout, option: "--timeout")
        let (thenMaint, shutdownSessions, json) = (thenMaint, shutdownSessions, flags.json)
        try await flags.perform({ () throws(ActionError) in try .init(target: .parse(target), verb: .state(.drain)) }) { runner, preview throws(ActionError) in
            guard thenMaint else { return [await runner.execute(preview)] }
            return try await runner.drainThenMaint(preview.action.target, timeout: timeout, shutdownSessions: shutdownSessions) { counts in
                if !json { print("  waiting: " + counts.map(\.text).joined(separator: " · ")) }
            }
        }
    }
}

struct ReadyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ready", abstract: "Put an HAProxy server back into load balancing.", discussion: actionDiscussion)

    @Argument(help: "BALANCER/BACKEND/SERVER; BALANCER may be a group.") var target: String
    @OptionGroup var flags: ActionFlags

    func run() async throws { try await flags.perform { () throws(ActionError) in try .init(target: .parse(target), verb: .state(.ready)) } }
}

struct MaintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maint", abstract: "Put an HAProxy server in maintenance: no traffic, no checks.", discussion: actionDiscussion)

    @Argument(help: "BALANCER/BACKEND/SERVER; BALANCER may be a group.") var target: String
    @OptionGroup var flags: ActionFlags

    func run() async throws { try await flags.perform { () throws(ActionError) in try .init(target: .parse(target), verb: .state(.maint)) } }
}

struct WeightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weight", abstract: "Set an HAProxy server's weight: N (0-256), N% of the initial weight, +N, -N, or initial.",
        discussion: actionDiscussion)

    @Argument(help: "BALANCER/BACKEND/SERVER; BALANCER may be a group.") var target: String
    @Argument(help: "N, N%, +N, -N or initial.") var weight: String
    @OptionGroup var flags: ActionFlags

    func run() async throws {
        try await flags.perform { () throws(ActionError) in try .init(target: .parse(target), verb: .weight(.parse(weight))) }
    }
}

struct VNodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vnodes", abstract: "Change a node's virtual nodes (points) on a ring: +N, -N or =N.",
        discussion: "On an HAProxy consistent-hash backend a node has 16 points per weight unit, so this is a weight change, "
            + "previewed with the exact ring plan (shares before and after, the keys that move, who gains and who loses).\n" + actionDiscussion)

    @Argument(help: "The ring, as 'ringside ring list' names it.") var ring: String
    @Argument(help: "The node of the ring.") var node: String
    @Argument(help: "+N or -N points, or =N points.") var change: String
    @OptionGroup var flags: ActionFlags

    func run() async throws {
        let change = try VirtualNodeChange.parse(change)
        let (ring, node) = (ring, node)
        try await flags.perform(prepare: { runner throws(ActionError) in
            let planned = try await runner.planVirtualNodes(ring: ring, node: node, change: change)
            return (planned.preview, RingText.render(planned.plan))
        })
    }
}

let actionDiscussion = """
    Reads every balancer of the target first and prints the exact commands, the state before and the state \
    expected after, and what HAProxy would refuse or undo. Asks before sending (the default is cancel; --yes for \
    scripts), then re-reads each server until it shows the change. Every action is appended to the audit log.
    Exit status: 0 applied or already in effect; 1 not applied, partial, refused (read-only) or cancelled; \
    2 usage or fleet file error.
    """
