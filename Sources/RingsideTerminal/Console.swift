import Foundation
import RingsideCore
import RingsideEngine
import Synchronization

/// How the console looks and what it may do.
public struct ConsoleOptions: Sendable {
    public var ascii: Bool
    public var monochrome: Bool
    public var readOnly: Bool
    public var theme: Theme
    /// Commands beyond the console's own, for the `:` line: their help, and a handler that answers with a
    /// message, or `nil` when the line is not one of them.
    public var extraCommands: (help: [(String, String)], run: @Sendable (String) async -> String?)?
    /// A badge naming where the data comes from ("DEMO"); `nil` for a real fleet.
    public var sourceBadge: String?
    /// A figure the data source adds to the header each frame (the demo's origin load).
    public var sourceNote: (@Sendable () -> String?)?
    /// What previews, sends and audits actions; `nil`: this console has no actions (the keys say so).
    public var actions: (any ConsoleActions)?
    /// The warms reading cache nodes lately (the audit log's, so a warm run from another terminal shows too);
    /// read off the console thread every few seconds.
    public var warmingReads: (@Sendable () -> [WarmingRead])?
    /// Why changes are refused, when they are (`--read-only`, `read_only: true in the fleet file`).
    public var readOnlyBecause: String?
    /// What previews and runs warms of the fleet's cache nodes; `nil`: this console cannot warm.
    public var warming: (any ConsoleWarming)?

    public init(ascii: Bool = false, monochrome: Bool = false, readOnly: Bool = false, theme: Theme = .builtInDefault, sourceBadge: String? = nil) {
        self.ascii = ascii
        self.monochrome = monochrome
        self.readOnly = readOnly
        self.theme = theme
        self.sourceBadge = sourceBadge
    }

    /// `NO_COLOR` set and non-empty means monochrome (no-color.org).
    public static func noColorRequested(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(environment["NO_COLOR"] ?? "").isEmpty
    }
}

/// What the console shows and pokes: the poll engine in production, a scripted fleet in tests.
public protocol ConsoleSource: Sendable {
    var fleet: Fleet { get }
    func snapshot() -> FleetSnapshot
    func start()
    func pollAllOnce() async
    /// Adds an event of the console's own (an action's outcome) to the fleet's events.
    func note(_ event: FleetEvent)
}

extension PollEngine: ConsoleSource {}

/// What the console asks to preview, apply and cancel actions: the `ActionRunner` in production.
public protocol ConsoleActions: Sendable {
    func preview(_ action: OperatorAction) async throws(ActionError) -> ActionPreview
    func execute(_ preview: ActionPreview) async -> ActionReport
    func cancel(_ preview: ActionPreview) -> (ActionReport, auditProblem: String?)
    func planVirtualNodes(ring: String, node: String, change: VirtualNodeChange) async throws(ActionError) -> RingActionPlan
    func planRingChange(ring: String, change: RingChange) async throws(ActionError) -> RingActionPlan
    func planNodeOffRing(node: String) async throws(ActionError) -> RingActionPlan
    func drainThenMaint(
        _ target: ServerTarget, timeout: Duration, shutdownSessions: Bool, every interval: Duration, progress: @Sendable ([DrainCount]) -> Void
    ) async throws(ActionError) -> [ActionReport]
}

extension ActionRunner: ConsoleActions {}

/// The live console: the engine polls in the background; the console loop, on a thread of its own, owns every
/// curses call, reads keys (waiting at most 100 ms) and draws the newest snapshot.
public enum Console {
    /// Runs until `q`, Ctrl-C, SIGTERM or SIGHUP (or the terminal going away); always restores the terminal.
    /// Returns the signal that ended it, if any.
    ///
    /// The loop blocks in `wget_wch` for as long as the console runs, so it gets a thread of its own: on a
    /// Swift-concurrency pool thread it would take one of the pool's few threads (two on a 2-core machine) from
    /// the pollers' callers and the demo's drills.
    public static func run(engine: some ConsoleSource, options: ConsoleOptions) async throws -> Int32? {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    let terminal = try CursesTerminal(
                        ascii: options.ascii, monochrome: options.monochrome, theme: options.theme,
                        term: ProcessInfo.processInfo.environment["TERM"])
                    return run(engine: engine, options: options, terminal: terminal)
                })
            }
            thread.name = "ringside-console"
            thread.start()
        }
    }

    /// The loop itself, on the calling thread, drawing on `terminal` (closed on every way out).
    public static func run(engine: some ConsoleSource, options: ConsoleOptions, terminal: some ConsoleTerminal) -> Int32? {
        defer { terminal.close() }
        engine.start()
        var state = ConsoleState(readOnly: options.readOnly, readOnlyBecause: options.readOnlyBecause ?? "--read-only", sourceBadge: options.sourceBadge)
        var actionReports: [ActionReport] = []
        var fleetHitRatios = BoundedSeries<Double?>(capacity: 600)
        var lastRecorded = Date.distantPast
        var frozen: FleetSnapshot?
        var lastFrame: Canvas?
        // What an extra command or an action's task has to say, from its task back to this loop.
        let mailbox = Mailbox()
        let clockFormat = DateFormatter()
        clockFormat.dateFormat = "HH:mm:ss"
        let remoteRings = RemoteRingSources()
        var ringTracker = RingTracker(fleet: engine.fleet, remote: remoteRings)
        // Redis Cluster rings are read from the first time the ring screen opens, not before.
        var remoteRingsStarted = false
        defer { remoteRings.stop() }
        var planCache = PlanCache()
        let failpoint = ConsoleFailpoint.fromEnvironment()
        var warming = WarmingWatch()
        let jobs = WarmJobBoard()
        // A ring change whose warms are done, waiting for the dialog in front of it to close.
        var pendingShift: ActionDialog?

        while terminationSignal.load(ordering: .relaxed) == 0 {
            let live = engine.snapshot()
            if Date().timeIntervalSince(lastRecorded) >= engine.fleet.polling.interval.secondsDouble {
                fleetHitRatios.append(live.fleetTotals.hitRatio)
                lastRecorded = Date()
            }
            if let read = options.warmingReads, warming.due() {
                Task.detached { mailbox.put(.warmingReads(read())) }
            }
            for mail in mailbox.take() {
                switch mail {
                case let .warmingReads(reads):
                    for event in warming.update(reads) { engine.note(event) }
                case let .message(text): state.message = text
                case let .progress(text): state.actionInProgress = text
                case let .preview(preview, plan):
                    if let waiting = state.dialog, waiting.isWaiting {
                        var shown = ActionDialog(phase: .previewing(preview), ringPlan: plan ?? waiting.ringPlan)
                        shown.thenMaint = waiting.thenMaint
                        state.dialog = shown
                    }
                case let .warmPreview(shown):
                    if state.dialog?.isWaiting == true { state.dialog = ActionDialog(phase: .warming(shown)) }
                case let .warmThenApplyPreview(shown):
                    if state.dialog?.isWaiting == true { state.dialog = ActionDialog(phase: .warmingThenApplying(shown)) }
                case let .confirmShift(preview, ringPlan):
                    pendingShift = ActionDialog(phase: .previewing(preview), ringPlan: ringPlan)
                case let .warmDone(report, title):
                    state.message = "\(report.outcome.rawValue): \(title) · \(WarmText.summaryLine(report)) · J: jobs"
                    engine.note(FleetEvent(
                        at: Date(), endpoint: report.target, kind: .action,
                        message: "\(title): \(report.outcome.rawValue)" + (report.error.map { " · \($0)" } ?? " · copied \(report.counts.copied)")))
                case let .previewFailed(title, reason):
                    if state.dialog?.isWaiting == true { state.dialog = ActionDialog(phase: .failed(title: title, reason: reason)) }
                case let .failed(text):
                    state.actionInProgress = nil
                    state.message = text
                case let .report(report):
                    actionReports.append(report)
                    if actionReports.count > 200 { actionReports.removeFirst() }
                    state.actionInProgress = nil
                    state.message = ActionOutcomeLine.text(report)
                    engine.note(ActionOutcomeLine.event(report))
                    Task.detached { await engine.pollAllOnce() }
                }
            }
            if state.dialog == nil, let shift = pendingShift {
                state.dialog = shift
                state.message = "every warm is complete: the ring change waits for its confirmation"
                pendingShift = nil
            }
            if state.paused { frozen = frozen ?? live } else { frozen = nil }
            let snapshot = frozen ?? live
            let (width, height) = terminal.size
            // Rings are tracked only while their screen shows (a 1,000-node ring takes milliseconds to rebuild).
            if state.screen == .rings && !remoteRingsStarted {
                remoteRings.start(ringTracker.declarations, every: .seconds(10), timeout: engine.fleet.polling.timeout)
                remoteRingsStarted = true
            }
            let rings = state.screen == .rings ? ringTracker.update(snapshot) : []
            // Sorted once a frame: for the cursor to follow its node, and for the overview to draw.
            let nodeRows = state.screen == .overview ? NodeRows.visible(snapshot, state: state) : nil
            let jobList = jobs.jobs
            let rows = SelectableRows.of(
                snapshot, state: state, nodeRows: nodeRows, rings: rings, size: (width, height), extraCommands: options.extraCommands?.help ?? [],
                actionReports: actionReports, jobs: jobList)
            state.follow(rows)
            var context = RenderContext(
                glyphs: terminal.unicode ? .unicode : .plain, clock: clockFormat.string(from: snapshot.takenAt),
                fleetHitRatios: Array(fleetHitRatios.values), extraCommands: options.extraCommands?.help ?? [], rings: rings,
                ringPlan: planCache.plan(for: rings, state: state), sourceNote: options.sourceNote?())
            context.nodeRows = nodeRows
            context.actionReports = actionReports
            context.warmingReads = warming.reads
            context.jobs = jobList
            let frame = ConsoleView.render(snapshot, state: state, context: context, width: width, height: height)
            if frame != lastFrame {
                terminal.draw(frame)
                lastFrame = frame
                failpoint?.trigger()
            }
            let key: Key
            switch terminal.readInput() {
            case .idle: continue
            case .gone: return SIGHUP
            case .key(.resize): continue
            case let .key(pressed): key = pressed
            }
            switch state.handle(key, rows: rows, pageSize: max(1, height - 10)) {
            case .quit: return nil
            case .pollNow: Task.detached { await engine.pollAllOnce() }
            case .redraw:
                terminal.repaintEverything()
                lastFrame = nil
            case let .external(line):
                guard let run = options.extraCommands?.run else { break }
                state.message = "running :\(line)…"
                Task.detached { mailbox.put(.message(await run(line) ?? "unknown command '\(line)'; :help lists the commands")) }
            case .openSelection:
                if let node = state.selectedRow { state.screen = .nodeDetail(node) }
            case let .stage(action): RingStaging.apply(action, to: &state, rings: rings)
            case let .actOnSelectedServer(verb):
                guard let target = ServerRow.target(of: state.selectedRow, in: engine.fleet) else { break }
                let effect = state.request(OperatorAction(target: target, verb: verb))
                if case let .preview(action) = effect { preview(action, options: options, state: &state, mailbox: mailbox) }
            case .drainThenMaintOnSelectedServer:
                guard let target = ServerRow.target(of: state.selectedRow, in: engine.fleet) else { break }
                if case let .preview(action) = state.request(OperatorAction(target: target, verb: .state(.drain))) {
                    state.dialog?.thenMaint = true
                    preview(action, options: options, state: &state, mailbox: mailbox)
                }
            case let .drainThenMaint(preview):
                guard let actions = options.actions else { break }
                let target = preview.action.target
                state.actionInProgress = "draining \(target), then maint…"
                Task.detached {
                    let reports: [ActionReport]
                    do throws(ActionError) {
                        reports = try await actions.drainThenMaint(target, timeout: .seconds(300), shutdownSessions: false, every: .milliseconds(500)) { counts in
                            mailbox.put(.progress("draining \(target): " + counts.map(\.text).joined(separator: " · ") + "; then maint"))
                        }
                    } catch {
                        mailbox.put(.failed(error.description))
                        return
                    }
                    for report in reports { mailbox.put(.report(report)) }
                }
            case let .drainNodeOffRing(node):
                planRingAction("take \(node) off its ring", options: options, state: &state, mailbox: mailbox) { actions throws(ActionError) in
                    try await actions.planNodeOffRing(node: node)
                }
            case .applyStaged:
                guard !rings.isEmpty, let change = state.staged.first else { break }
                let ring = rings[RingScreen.wrappedIndex(state.ringIndex, count: rings.count)].declaration.name
                planRingAction("\(change) on \(ring)", options: options, state: &state, mailbox: mailbox) { actions throws(ActionError) in
                    try await actions.planRingChange(ring: ring, change: change)
                }
            case .promptWeight:
                if let target = ServerRow.target(of: state.selectedRow, in: engine.fleet) { state.commandLine = "weight \(target) " }
            case let .preview(action): preview(action, options: options, state: &state, mailbox: mailbox)
            case let .planVirtualNodes(ring, node, change):
                planRingAction("vnodes \(ring) \(node)", options: options, state: &state, mailbox: mailbox) { actions throws(ActionError) in
                    try await actions.planVirtualNodes(ring: ring, node: node, change: change)
                }
            case let .apply(preview):
                guard let actions = options.actions else { break }
                state.actionInProgress = "applying \(preview.action.summary) on \(preview.members.count) balancer\(preview.members.count == 1 ? "" : "s")…"
                Task.detached { mailbox.put(.report(await actions.execute(preview))) }
            case let .cancel(preview):
                guard let actions = options.actions else { break }
                let (report, problem) = actions.cancel(preview)
                actionReports.append(report)
                if let problem { state.message = problem }
            case let .previewWarm(ask):
                guard let warmer = options.warming else {
                    state.dialog = ActionDialog(phase: .failed(title: ask.title, reason: "this console cannot warm: it has no fleet file naming cache nodes"))
                    break
                }
                Task.detached {
                    do throws(ActionError) {
                        let request = try await ask.request(warmer)
                        mailbox.put(.warmPreview(ShownWarm(try await warmer.preview(request, settings: ask.settings))))
                    } catch {
                        mailbox.put(.previewFailed(title: ask.title, reason: error.description))
                    }
                }
            case let .startWarm(shown):
                guard let warmer = options.warming else { break }
                let title = shown.value.summary
                state.message = "started: \(title) · J: jobs"
                engine.note(FleetEvent(at: Date(), endpoint: shown.value.target.name, kind: .action, message: "\(title): started"))
                Task.detached { _ = await runJob(shown.value, warmer, on: jobs, mailbox: mailbox) }
            case .planWarmThenApply:
                guard !rings.isEmpty, let change = state.staged.first else { break }
                let ring = rings[RingScreen.wrappedIndex(state.ringIndex, count: rings.count)].declaration.name
                let title = "warm, then apply \(change) on \(ring)"
                guard let warmer = options.warming, options.actions != nil else {
                    state.dialog = ActionDialog(phase: .failed(title: title, reason: "this console cannot warm, then apply: its fleet file needs the ring's cache nodes and balancers"))
                    break
                }
                Task.detached {
                    do throws(ActionError) {
                        mailbox.put(.warmThenApplyPreview(ShownWarmThenApply(try await warmer.planWarmThenApply(ring: ring, change: change, settings: WarmSettings()))))
                    } catch {
                        mailbox.put(.previewFailed(title: title, reason: error.description))
                    }
                }
            case let .startWarmThenApply(shown):
                guard let warmer = options.warming else { break }
                let plan = shown.value
                state.message = "started: \(plan.title) · J: jobs"
                engine.note(FleetEvent(at: Date(), endpoint: plan.shift.action.target.scope, kind: .action, message: "\(plan.title): started"))
                Task.detached {
                    // One job per gaining node, one after another; one that does not complete stops the rest.
                    var reports: [WarmReport] = []
                    for preview in plan.warms {
                        let report = await runJob(preview, warmer, on: jobs, mailbox: mailbox)
                        reports.append(report)
                        if report.outcome != .complete { break }
                    }
                    if let held = WarmThenShift.holdBack(reports, planned: plan.warms.count, minimumCoverage: nil) {
                        engine.note(FleetEvent(at: Date(), endpoint: plan.shift.action.target.scope, kind: .action, message: "\(plan.title): held back, \(held)"))
                        mailbox.put(.failed("the ring is unchanged: \(held)"))
                    } else {
                        mailbox.put(.confirmShift(plan.shift, plan.ringPlan))
                    }
                }
            case let .cancelJob(id):
                state.message = jobs.cancel(id) ? "cancelling: the batches in flight finish, nothing more is read" : "that job is not running"
            case .none: break
            }
        }
        return terminationSignal.load(ordering: .relaxed)
    }

    /// Runs one warm as a job of the board (its progress there as it goes) and tells the loop its report.
    private static func runJob(_ preview: WarmPreview, _ warmer: any ConsoleWarming, on jobs: WarmJobBoard, mailbox: Mailbox) async -> WarmReport {
        let (id, control) = jobs.start(preview.summary)
        let report = await warmer.execute(preview, control: control) { jobs.update(id, $0) }
        jobs.finish(id, report)
        mailbox.put(.warmDone(report, title: preview.summary))
        return report
    }

    /// Plans a ring change in the background (the ring is read first); the dialog shows the plan and the preview.
    private static func planRingAction(
        _ title: String, options: ConsoleOptions, state: inout ConsoleState, mailbox: Mailbox,
        _ make: @escaping @Sendable (any ConsoleActions) async throws(ActionError) -> RingActionPlan
    ) {
        guard let actions = options.actions else {
            state.dialog = nil
            state.message = "this console cannot act: it has no fleet with balancers to send to"
            return
        }
        if state.dialog == nil { state.dialog = ActionDialog(phase: .planning(title)) }
        Task.detached {
            do throws(ActionError) {
                let planned = try await make(actions)
                mailbox.put(.preview(planned.preview, RingText.render(planned.plan)))
            } catch {
                mailbox.put(.previewFailed(title: title, reason: error.description))
            }
        }
    }

    /// Reads the action's balancers in the background; the dialog shows the preview when it comes.
    private static func preview(_ action: OperatorAction, options: ConsoleOptions, state: inout ConsoleState, mailbox: Mailbox) {
        guard let actions = options.actions else {
            state.dialog = ActionDialog(phase: .failed(title: action.summary, reason: "this console cannot act: it has no fleet with HAProxy balancers to send to"))
            return
        }
        Task.detached {
            do throws(ActionError) {
                mailbox.put(.preview(try await actions.preview(action), nil))
            } catch {
                mailbox.put(.previewFailed(title: action.summary, reason: error.description))
            }
        }
    }
}

/// A server row of the balancers screen (`balancer/backend/server`) as an action target: on a balancer of a
/// group, the group, so a pair is never half changed from the console.
enum ServerRow {
    static func target(of row: String?, in fleet: Fleet) -> ServerTarget? {
        guard let row else { return nil }
        let parts = row.split(separator: "/").map(String.init)
        guard parts.count >= 3 else { return nil }
        let balancer = parts.dropLast(2).joined(separator: "/")
        let endpoint = fleet.endpoints.first { $0.name == balancer }
        return ServerTarget(scope: endpoint?.group ?? balancer, backend: parts[parts.count - 2], server: parts[parts.count - 1])
    }
}

/// An action's outcome in one line (the status line) and as an event.
enum ActionOutcomeLine {
    /// Short enough for the status line at 80 columns in the common case: the outcome, the action, and the state
    /// it left (the action log, `a`, has every word).
    static func text(_ report: ActionReport) -> String {
        "\(report.result.rawValue): \(report.action.summary) · \(detail(report)) · a: log"
    }

    static func event(_ report: ActionReport) -> FleetEvent {
        FleetEvent(
            at: Date(), endpoint: report.action.target.scope, kind: .action,
            message: "\(report.action.summary): \(report.result.rawValue)" + (report.result.succeeded ? "" : " · " + detail(report)))
    }

    /// The state a success left, or each failing member's words.
    private static func detail(_ report: ActionReport) -> String {
        let failing = report.members.filter { !$0.result.succeeded }
        guard failing.isEmpty else { return failing.map { "\($0.endpoint): \($0.detail)" }.joined(separator: "; ") }
        return report.members.first.map { $0.after?.intent ?? $0.detail } ?? ""
    }
}

/// The identities of the rows the current screen lets the cursor move over, in display order.
enum SelectableRows {
    /// - Parameter nodeRows: the overview's node order, when already computed.
    static func of(
        _ snapshot: FleetSnapshot, state: ConsoleState, nodeRows: [Int]?, rings: [TrackedRing], size: (width: Int, height: Int),
        extraCommands: [(String, String)], actionReports: [ActionReport] = [], jobs: [WarmJobBoard.Job] = []
    ) -> [String] {
        let width = size.width
        switch state.screen {
        case .overview: return (nodeRows ?? NodeRows.visible(snapshot, state: state)).map { snapshot.endpoints[$0].endpoint.name }
        case .rings:
            guard !rings.isEmpty, let ring = rings[RingScreen.wrappedIndex(state.ringIndex, count: rings.count)].ring else { return [] }
            return ring.nodes.map(\.name)
        case .balancers: return BalancersScreen.serverRows(snapshot, width: width)
        // Help rows and the action log scroll: a line's place is its identity.
        case .actionLog: return (0..<ActionLogScreen.lines(actionReports).count).map(String.init)
        case .jobs: return JobsScreen.ordered(jobs).map { String($0.id) }
        case .help: return (0..<HelpScreen.lineCount(width: width, height: size.height, extraCommands: extraCommands)).map(String.init)
        case .events, .nodeDetail: return []
        }
    }
}

/// The plan for the staged changes, rebuilt only when the ring or the staged changes change.
struct PlanCache {
    private var key: (RingDefinition, [RingChange])?
    private var value: Result<RingPlan, RingError>?

    mutating func plan(for rings: [TrackedRing], state: ConsoleState) -> Result<RingPlan, RingError>? {
        guard !state.staged.isEmpty, !rings.isEmpty, let ring = rings[RingScreen.wrappedIndex(state.ringIndex, count: rings.count)].ring else { return nil }
        if let key, key.0 == ring.definition, key.1 == state.staged { return value }
        key = (ring.definition, state.staged)
        value = Result { () throws(RingError) in try RingPlan(ring, changes: state.staged) }
        return value
    }
}

/// What the background tasks tell the console loop: an extra command's answer, an action's preview or report.
private final class Mailbox: Sendable {
    enum Mail: Sendable {
        case message(String)
        /// How a long action is getting on, for the status line.
        case progress(String)
        /// A preview, with the ring plan's text for a ring change.
        case preview(ActionPreview, String?)
        case previewFailed(title: String, reason: String)
        case report(ActionReport)
        /// A long action stopped before a report: the status line says why and stops showing progress.
        case failed(String)
        case warmingReads([WarmingRead])
        case warmPreview(ShownWarm)
        case warmThenApplyPreview(ShownWarmThenApply)
        /// The warms of a warm-then-apply are complete: the ring change's confirmation, once no dialog is open.
        case confirmShift(ActionPreview, String)
        case warmDone(WarmReport, title: String)
    }

    private let mail = Mutex<[Mail]>([])

    func put(_ item: Mail) { mail.withLock { $0.append(item) } }

    func take() -> [Mail] {
        mail.withLock { mail in
            defer { mail = [] }
            return mail
        }
    }
}
