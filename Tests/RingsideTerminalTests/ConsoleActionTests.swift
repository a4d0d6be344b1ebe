import Foundation
import RingsideCore
import RingsideEngine
@testable import RingsideTerminal
import Synchronization
import Testing

/// A terminal whose keys wait for what the screen shows: each step's key is pressed once its condition holds on
/// the last frame (20 s at most: a loaded two-core CI run has starved the preview task for 5 s; then the terminal "goes away" and the test's expectations say what was missing).
final class StepTerminal: ConsoleTerminal, Sendable {
    typealias Step = (until: @Sendable (String) -> Bool, key: Key)
    let unicode = true
    private let state: Mutex<(steps: [Step], frames: [Canvas], waitingSince: ContinuousClock.Instant?)>

    init(_ steps: [Step]) {
        state = Mutex((steps, [], nil))
    }

    var size: (width: Int, height: Int) { (100, 30) }

    func readInput() -> TerminalInput {
        let input: TerminalInput = state.withLock { state in
            guard let step = state.steps.first else { return .gone }
            let shown = state.frames.last?.text ?? ""
            if step.until(shown) {
                state.steps.removeFirst()
                state.waitingSince = nil
                return .key(step.key)
            }
            let since = state.waitingSince ?? .now
            state.waitingSince = since
            return ContinuousClock.now - since > .seconds(20) ? .gone : .idle
        }
        if case .idle = input { usleep(5_000) }
        return input
    }

    func draw(_ canvas: Canvas) { state.withLock { $0.frames.append(canvas) } }
    func repaintEverything() {}
    func close() {}

    var frames: [Canvas] { state.withLock { $0.frames } }
    var unfinishedSteps: Int { state.withLock { $0.steps.count } }
}

/// Previews with one command, executes as applied; records every call.
final class RecordingActions: ConsoleActions {
    let calls = Mutex<[String]>([])

    func preview(_ action: OperatorAction) async throws(ActionError) -> ActionPreview {
        calls.withLock { $0.append("preview \(action.summary)") }
        let before = ServerActionState(status: "UP", adminState: .ready, userWeight: 1, initialWeight: 1)
        var expected = before
        expected.adminState = .drain
        return ActionPreview(action: action, members: [
            MemberPlan(
                endpoint: "edge", address: "10.0.1.1:9999",
                commands: [.setState(backend: action.target.backend, server: action.target.server, .drain)], before: before, expected: expected),
        ])
    }

    func execute(_ preview: ActionPreview) async -> ActionReport {
        calls.withLock { $0.append("execute \(preview.action.summary)") }
        return ActionReport(action: preview.action, members: [], result: .applied, startedAt: Date(), duration: .milliseconds(3))
    }

    func planVirtualNodes(ring: String, node: String, change: VirtualNodeChange) async throws(ActionError) -> RingActionPlan {
        calls.withLock { $0.append("plan \(ring) \(node)") }
        throw ActionError("no ring named '\(ring)'")
    }

    func drainThenMaint(
        _ target: ServerTarget, timeout: Duration, shutdownSessions: Bool, every interval: Duration, progress: @Sendable ([DrainCount]) -> Void
    ) async throws(ActionError) -> [ActionReport] {
        calls.withLock { $0.append("drain then maint \(target)") }
        progress([DrainCount(endpoint: "edge", sessions: 2, queued: 0)])
        try? await Task.sleep(for: .milliseconds(300))
        let drain = OperatorAction(target: target, verb: .state(.drain)), maint = OperatorAction(target: target, verb: .state(.maint))
        return [drain, maint].map { ActionReport(action: $0, members: [], result: .applied, startedAt: Date(), duration: .milliseconds(3)) }
    }

    func planRingChange(ring: String, change: RingChange) async throws(ActionError) -> RingActionPlan {
        calls.withLock { $0.append("plan \(change) on \(ring)") }
        throw ActionError("no ring named '\(ring)'")
    }

    func planNodeOffRing(node: String) async throws(ActionError) -> RingActionPlan {
        calls.withLock { $0.append("off ring \(node)") }
        throw ActionError("\(node) is on no HAProxy or twemproxy ring of this fleet")
    }

    func cancel(_ preview: ActionPreview) -> (ActionReport, auditProblem: String?) {
        calls.withLock { $0.append("cancel \(preview.action.summary)") }
        return (ActionReport(action: preview.action, members: [], result: .cancelled, startedAt: Date(), duration: .zero), nil)
    }
}

/// Runs the loop on a thread of its own, as `Console.run` does in production: on a test's pool thread it would
/// starve the tasks that bring it previews and reports (two pool threads on two cores).
func runOnItsOwnThread(_ body: @escaping @Sendable () -> Int32?) async -> Int32? {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

@Suite struct ConsoleActionTests {
    /// Runs the console over the fixture fleet with recorded actions, through `steps`.
    static func run(_ steps: [StepTerminal.Step], readOnly: Bool = false) async -> (terminal: StepTerminal, actions: RecordingActions, source: ScriptedSource, ended: Int32?) {
        let terminal = StepTerminal(steps), actions = RecordingActions(), source = ScriptedSource([FleetFixture.snapshot])
        var options = ConsoleOptions(readOnly: readOnly)
        options.actions = actions
        let ended = await runOnItsOwnThread { [options] in Console.run(engine: source, options: options, terminal: terminal) }
        return (terminal, actions, source, ended)
    }

    static func always(_ key: Key) -> StepTerminal.Step { ({ _ in true }, key) }
    static func when(_ text: String, _ key: Key) -> StepTerminal.Step { ({ $0.contains(text) }, key) }

    @Test func theDrainKeyOpensAPreviewWhoseDefaultIsCancelAndTabEnterApplies() async {
        let (terminal, actions, source, ended) = await Self.run([
            Self.always(.character("3")), Self.when("app-1", .down),
            Self.always(.character("d")), Self.when("[ Cancel ]", .enter),
            Self.when("cancelled: drain edge/be_app/app-2", .character("d")), Self.when("[ Cancel ]", .tab), Self.always(.enter),
            Self.when("applied: drain edge/be_app/app-2", .character("a")), Self.when("ACTIONS 2 this session", .character("q")),
        ])
        #expect(ended == nil, "q quits")
        #expect(terminal.unfinishedSteps == 0, "\(terminal.frames.last?.text ?? "")")
        #expect(actions.calls.withLock { $0 } == [
            "preview drain edge/be_app/app-2", "cancel drain edge/be_app/app-2", "preview drain edge/be_app/app-2", "execute drain edge/be_app/app-2",
        ])
        #expect(source.noted.withLock { $0.map(\.message) } == ["drain edge/be_app/app-2: applied"])
    }

    @Test func readOnlyActionKeysSayWhyAndReadNothing() async {
        var steps: [StepTerminal.Step] = [Self.always(.character("3")), Self.when("app-1", .down)]
        for key: Key in [.character("d"), .character("m"), .character("u"), .character("+"), .character("-"), .character("}"), .character("{"), .character("i"), .function(4), .character("W")] {
            steps += [Self.always(key), Self.when("read-only (--read-only)", .left)]
        }
        steps += [Self.always(.character(":"))] + "drain edge/be_app/app-1".map { Self.always(.character($0)) } + [Self.always(.enter)]
        steps += [Self.when("read-only (--read-only): drain edge/be_app/app-1 is refused", .character("q"))]
        let (terminal, actions, _, _) = await Self.run(steps, readOnly: true)
        #expect(terminal.unfinishedSteps == 0, "\(terminal.frames.last?.text ?? "")")
        #expect(actions.calls.withLock { $0 }.isEmpty, "nothing is even read in read-only mode")
        #expect(terminal.frames.last?.text.contains("READ-ONLY") == true)
    }

    @Test func theCommandLineTakesTheSameActionsAndSaysWhatIsWrong() async {
        var steps: [StepTerminal.Step] = [Self.always(.character(":"))] + "weight edge/be_app 5".map { Self.always(.character($0)) } + [Self.always(.enter)]
        steps += [Self.when("give BALANCER/BACKEND/SERVER", .character(":"))] + "weight edge/be_app/app-3 +1".map { Self.always(.character($0)) }
        steps += [Self.always(.enter), Self.when("[ Cancel ]", .escape), Self.when("cancelled", .character("q"))]
        let (terminal, actions, _, _) = await Self.run(steps)
        #expect(terminal.unfinishedSteps == 0, "\(terminal.frames.last?.text ?? "")")
        #expect(actions.calls.withLock { $0 } == ["preview weight edge/be_app/app-3 +1", "cancel weight edge/be_app/app-3 +1"])
    }

    @Test func drainThenMaintShowsTheSessionsFallingThenBothSteps() async {
        let (terminal, actions, _, _) = await Self.run([
            Self.always(.character("3")), Self.when("app-1", .character("D")), Self.when("[ Cancel ]", .tab), Self.always(.enter),
            Self.when("draining edge/be_app/app-1: edge 2 sessions, 0 queued; then maint", .character("a")),
            Self.when("maint edge/be_app/app-1  applied", .character("q")),
        ])
        #expect(terminal.unfinishedSteps == 0, "\(terminal.frames.last?.text ?? "")")
        #expect(actions.calls.withLock { $0 } == ["preview drain edge/be_app/app-1", "drain then maint edge/be_app/app-1"])
    }

    @Test func vnodesIsPlannedOnItsRingAndItsErrorsAreShown() async {
        var steps: [StepTerminal.Step] = [Self.always(.character(":"))] + "vnodes app s2 32".map { Self.always(.character($0)) } + [Self.always(.enter)]
        steps += [Self.when("give +N or -N", .character(":"))] + "vnodes app s2 +32".map { Self.always(.character($0)) }
        steps += [Self.always(.enter), Self.when("no ring named 'app'", .escape), Self.always(.character("q"))]
        let (terminal, actions, _, _) = await Self.run(steps)
        #expect(terminal.unfinishedSteps == 0, "\(terminal.frames.last?.text ?? "")")
        #expect(actions.calls.withLock { $0 } == ["plan app s2"])
        #expect(terminal.frames.contains { $0.text.contains("┌─ vnodes app s2 ─") && $0.text.contains("no ring named 'app'") }, "the failed plan keeps its own title")
    }

    @Test func everyScreenHasKeysOfItsOwnThatNoGlobalKeyShadows() {
        for screen in ScreenKind.allCases {
            let keys = KeyMap.bindings(on: screen).flatMap(\.keys)
            #expect(Set(keys).count == keys.count, "\(screen): a key bound twice")
        }
        // The ring screen's staging keys and the balancer action keys share letters, never a screen.
        #expect(KeyMap.action(for: .character("d"), on: .rings) == .stageDrain)
        #expect(KeyMap.action(for: .character("d"), on: .balancers) == .drainServer)
        #expect(KeyMap.action(for: .character("d"), on: .overview) == .drainNodeOffRing)
        #expect(KeyMap.action(for: .character("d"), on: .events) == nil)
    }
}

/// Seen at 80×24: a warning in the dialog was cut mid-word. Long lines wrap at spaces.
@Suite struct ActionDialogLayoutTests {
    @Test func longLinesWrapAtWordsKeepingTheirIndentation() {
        let line = "  warning: edge: 50% of the initial weight 1 is 0 in HAProxy's integer arithmetic: the server leaves load balancing"
        let lines = ActionDialogView.wrapped(line, width: 40)
        #expect(lines.count > 1 && lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines[0].hasPrefix("  warning:") && lines[1].hasPrefix("    ") && lines.joined(separator: " ").split(separator: " ") == line.split(separator: " "))
    }

    /// Seen at 80×24 on a warm's preview: `  writes  RESTORE …` wrapped to `  writes RESTORE …`, out of its column.
    @Test func aWrappedLineKeepsTheSpacesBetweenItsWords() {
        let line = "  writes  RESTORE without REPLACE: a key the target already holds keeps its value; TTLs kept"
        let lines = ActionDialogView.wrapped(line, width: 72)
        #expect(lines == ["  writes  RESTORE without REPLACE: a key the target already holds keeps", "    its value; TTLs kept"])
    }

    @Test func aPreviewFitsAnEightyColumnDialogWithoutCuttingWords() {
        var state = ConsoleState()
        let action = OperatorAction(target: ServerTarget(scope: "edge", backend: "be_app", server: "mc-3"), verb: .weight(.percent(50)))
        let before = ServerActionState(status: "UP", adminState: .ready, userWeight: 1, initialWeight: 1)
        var plan = MemberPlan(endpoint: "edge", address: "127.0.0.1:49999", commands: [.setWeight(backend: "be_app", server: "mc-3", .absolute(0))], before: before)
        plan.warnings = ["50% of the initial weight 1 is 0 in HAProxy's integer arithmetic: the server leaves load balancing"]
        state.dialog = ActionDialog(phase: .previewing(ActionPreview(action: action, members: [plan])))
        let frame = ConsoleView.render(FleetFixture.snapshot, state: state, context: RenderContext(glyphs: .unicode, clock: "x"), width: 80, height: 24)
        #expect(frame.text.contains("the server leaves load balancing"), "\(frame.text)")
        #expect(frame.text.contains("[ Cancel ]"))
    }
}

/// Drain → maint on a server that is already draining: nothing to send for the drain, but the wait and the
/// maintenance are still to confirm (it stopped at "already in effect" before).
@Suite struct DrainThenMaintOnADrainingServerTests {
    static let drained: ActionPreview = {
        let action = OperatorAction(target: ServerTarget(scope: "edge", backend: "be_app", server: "app-3"), verb: .state(.drain))
        let before = ServerActionState(status: "UP", adminState: .drain, userWeight: 1, initialWeight: 1)
        return ActionPreview(action: action, members: [MemberPlan(endpoint: "edge", address: "127.0.0.1:49999", commands: [], before: before)])
    }()

    @Test func theDialogStillOffersApplyDefaultingToCancel() {
        var dialog = ActionDialog(phase: .previewing(Self.drained))
        dialog.thenMaint = true
        #expect(dialog.hasWork && dialog.canApply)
        var cancelled = dialog
        #expect(cancelled.handle(.enter) == .cancel(Self.drained))
        #expect(dialog.handle(.tab) == .stay)
        #expect(dialog.handle(.enter) == .apply(Self.drained))
        var state = ConsoleState()
        state.dialog = dialog
        let frame = ConsoleView.render(FleetFixture.snapshot, state: state, context: RenderContext(glyphs: .unicode, clock: "x"), width: 80, height: 24)
        #expect(frame.text.contains("already draining") && frame.text.contains("[ Apply ]"), "\(frame.text)")
    }

    @Test func aPlainDrainOfADrainingServerHasNothingToConfirm() {
        var dialog = ActionDialog(phase: .previewing(Self.drained))
        #expect(!dialog.hasWork)
        #expect(dialog.handle(.enter) == .close)
    }
}

/// The balancers screen marks a server whose members disagree.
@Suite struct SplitColumnTests {
    @Test func aSplitServerReadsSplitInTheCheckColumn() {
        var snapshot = FleetFixture.snapshot
        let index = snapshot.endpoints.firstIndex { $0.endpoint.name == "edge" }!
        var endpoint = snapshot.endpoints[index].endpoint
        endpoint.group = "edge-pair"
        var paired = EndpointState(endpoint: endpoint)
        _ = paired.record(.haproxy(snapshot.endpoints[index].haproxy!), latency: .milliseconds(1), at: Date(), thresholds: Thresholds())
        snapshot.endpoints[index] = paired
        snapshot.fleetAlerts = [Alert(endpoint: "group edge-pair", key: "split be_app/app-3", severity: .warning, message: "SPLIT be_app/app-3: …", since: Date())]
        var state = ConsoleState()
        state.screen = .balancers
        let frame = ConsoleView.render(snapshot, state: state, context: RenderContext(glyphs: .unicode, clock: "x"), width: 80, height: 24)
        let rows = frame.text.split(separator: "\n")
        #expect(rows.first { $0.hasPrefix(" app-3 ") }?.contains("SPLIT") == true, "\(frame.text)")
        #expect(rows.first { $0.hasPrefix(" app-2 ") }?.contains("SPLIT") == false)
    }
}

/// Screens draw into a rectangle: a side panel or a dialog can take part of the terminal.
@Suite struct ScreenRectangleTests {
    @Test func aScreenDrawnIntoARectangleStaysInsideIt() {
        var canvas = Canvas(width: 100, height: 30)
        let rect = Rect(x: 30, y: 2, width: 70, height: 20)
        canvas.place(ConsoleView.drawScreen(FleetFixture.snapshot, state: ConsoleState(), context: RenderContext(glyphs: .unicode, clock: "x"), in: rect), at: (rect.x, rect.y))
        let lines = canvas.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[2].hasPrefix(String(repeating: " ", count: 30) + " CACHE NODES"), "\(lines[2])")
        #expect(lines.prefix(2).allSatisfy(\.isEmpty) && lines.dropFirst(22).allSatisfy(\.isEmpty), "nothing outside the rectangle")
        #expect(lines[2...21].allSatisfy { $0.prefix(30).allSatisfy { $0 == " " } })
    }
}
