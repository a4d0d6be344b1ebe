import Foundation
import RingsideCore
import RingsideEngine
@testable import RingsideTerminal
import Synchronization
import Testing

/// Previews every warm from its request; runs it in steps of 10 keys every 20 ms (2,000 keys) until it is done
/// or cancelled; records every call.
final class SteppedWarming: ConsoleWarming {
    let calls = Mutex<[String]>([])

    func ringPlan(_ name: String, target: String, changes: [RingChange]) async throws(ActionError) -> RingPlan {
        calls.withLock { $0.append("ring \(name)") }
        throw ActionError("no ring '\(name)' (rings: none)")
    }

    func planWarmThenApply(ring: String, change: RingChange, settings: WarmSettings) async throws(ActionError) -> WarmThenApplyPlan {
        calls.withLock { $0.append("warm then apply \(change) on \(ring)") }
        throw ActionError("no ring '\(ring)' (rings: none)")
    }

    func preview(_ request: WarmRequest, settings: WarmSettings) async throws(ActionError) -> WarmPreview {
        guard case let .clone(source) = request.keys else { throw ActionError("only clones here") }
        calls.withLock { $0.append("preview \(request.target) from \(source) rate \(settings.keysPerSecond.map { "\(Int($0))" } ?? "none")") }
        let node = { (name: String) in WarmPreview.Node(name: name, kind: .memcached, address: HostPort(host: "10.0.0.9", port: 11211), items: 2000) }
        return WarmPreview(request: request, target: node(request.target), sources: [node(source)], settings: settings, expectedKeys: 2000)
    }

    func execute(_ preview: WarmPreview, control: WarmControl, progress: @Sendable (WarmProgress) -> Void) async -> WarmReport {
        calls.withLock { $0.append("execute \(preview.summary)") }
        var counts = WarmCounts()
        while counts.scanned < 2000, !control.isCancelled {
            counts.scanned += 10
            counts.copied += 10
            counts.bytes += 1000
            progress(WarmProgress(counts: counts, elapsedSeconds: Double(counts.scanned) / 500, expectedKeys: 2000))
            try? await Task.sleep(for: .milliseconds(20))
        }
        return WarmReport(
            kind: .clone, target: preview.target.name, sources: preview.sources.map(\.name), ring: nil, dryRun: false,
            outcome: control.isCancelled ? .cancelled : .complete, error: nil, counts: counts, durationSeconds: 1, problems: [],
            verification: WarmVerification(checked: 200, present: 200))
    }
}

@Suite struct ConsoleWarmTests {
    static func run(_ steps: [StepTerminal.Step], readOnly: Bool = false) async -> (terminal: StepTerminal, warming: SteppedWarming, source: ScriptedSource) {
        let terminal = StepTerminal(steps), warming = SteppedWarming(), source = ScriptedSource([FleetFixture.snapshot])
        var options = ConsoleOptions(readOnly: readOnly)
        options.warming = warming
        _ = await runOnItsOwnThread { [options] in Console.run(engine: source, options: options, terminal: terminal) }
        return (terminal, warming, source)
    }

    static func type(_ text: String) -> [StepTerminal.Step] { text.map { ConsoleActionTests.always(.character($0)) } }
    static let always = ConsoleActionTests.always, when = ConsoleActionTests.when

    /// W asks which kind, prefills the `:warm` line; the preview's default is Cancel; Tab Enter starts a job whose
    /// bar the jobs screen shows, and x there cancels it after the batches in flight.
    @Test func wAsksTheKindPreviewsWithCancelFirstAndTheJobsScreenShowsAndCancelsTheJob() async {
        let ask: [StepTerminal.Step] = [Self.when("mc-1", .character("W")), Self.when("clone: every key of another node", .character("c")),
                                        Self.when(": warm mc-1 --from _   the node to copy every key from", .character("m"))] + Self.type("c-2 --rate 900") + [Self.always(.enter)]
        let (terminal, warming, source) = await Self.run(
            ask + [Self.when("[ Cancel ]", .enter), Self.when("cancelled: warm mc-1 from mc-2 (clone); nothing was copied", .character("W"))]
                + Array(ask.dropFirst()) + [Self.when("at most 900 keys/s", .tab), Self.always(.enter),
                   Self.when("started: warm mc-1 from mc-2 (clone)", .character("J")), Self.when("[#", .character("x")),
                   Self.when("cancelled: warm mc-1 from mc-2 (clone)", .character("q"))])
        let last = terminal.frames.last?.text ?? ""
        #expect(terminal.unfinishedSteps == 0, "\(last)")
        #expect(warming.calls.withLock { $0 } == ["preview mc-1 from mc-2 rate 900", "preview mc-1 from mc-2 rate 900", "execute warm mc-1 from mc-2 (clone)"])
        #expect(last.contains("JOBS 1 (0 running)") && last.contains("warm mc-1 from mc-2 (clone)  cancelled"), "\(last)")
        #expect(last.contains("check   200 of 200 written keys read back on mc-1") || last.contains("check 200 of 200"), "\(last)")
        let events = source.noted.withLock { $0.map(\.message) }
        #expect(events == ["warm mc-1 from mc-2 (clone): started", "warm mc-1 from mc-2 (clone): cancelled · copied \(events.last.flatMap { $0.split(separator: " ").last } ?? "?")"], "\(events)")
        let copied = Int(events.last?.split(separator: " ").last ?? "") ?? 0
        #expect(copied > 0 && copied < 2000, "cancelled mid-way: \(events)")
    }

    @Test func readOnlyRefusesWAndWarmBeforeReadingAnything() async {
        let (terminal, warming, _) = await Self.run(
            [Self.when("mc-1", .character("W")), Self.when("read-only (--read-only): warming mc-1 is refused", .character(":"))]
                + Self.type("warm mc-1 --from mc-2") + [Self.always(.enter),
                   Self.when("read-only (--read-only): warm mc-1 from mc-2 (clone) is refused; nothing is sent", .character("q"))],
            readOnly: true)
        #expect(terminal.unfinishedSteps == 0, "\(terminal.frames.last?.text ?? "")")
        #expect(warming.calls.withLock { $0 }.isEmpty)
    }

    @Test(arguments: [
        ("warm", WarmAsk.usage),
        ("warm mc-1", WarmAsk.usage),
        ("warm mc-1 --keys hot.txt", WarmAsk.usage),
        ("warm mc-1 --from mc-2 --ring web", WarmAsk.usage),
        ("warm mc-1 --from mc-2 --rate fast", "--rate takes keys a second, more than 0 (got 'fast')"),
        ("warm mc-1 --from mc-2 --from mc-3", WarmAsk.usage),
    ])
    func wrongWarmLinesSayWhatIsWrong(line: String, message: String) {
        var state = ConsoleState()
        #expect(state.run(command: line) == .none)
        #expect(state.message == message)
        #expect(state.dialog == nil)
    }

    /// Seen at 80×24: the usage was cut after "(key l" on the status line.
    @Test func theUsageFitsTheStatusLineAtEightyColumns() {
        var state = ConsoleState()
        _ = state.run(command: "warm")
        var canvas = Canvas(width: 80, height: 24)
        HintBar.draw(&canvas, state: state, y: 23)
        #expect(canvas.text.split(separator: "\n").last.map(String.init)?.trimmingCharacters(in: .whitespaces) == WarmAsk.usage)
    }

    @Test func warmLinesParseInAnyOrder() throws {
        #expect(try WarmAsk.parse("mc-1 --keys /tmp/hot --from mc-2 --rate 50") == WarmAsk(target: "mc-1", keys: .list(path: "/tmp/hot", from: "mc-2"), keysPerSecond: 50))
        #expect(try WarmAsk.parse("mc-1 --ring web") == WarmAsk(target: "mc-1", keys: .ring("web")))
    }

    /// Seen in a soak: a warm at --rate 200 with batches of 500 said "connecting to the nodes…" for 3 s while it
    /// was connected and waiting on its rate limit.
    @Test func aJobWithNoFinishedBatchSaysSoWithoutGuessingWhy() {
        let board = WarmJobBoard()
        _ = board.start("warm b from a (clone)")
        var canvas = Canvas(width: 100, height: 10)
        JobsScreen.draw(&canvas, jobs: board.jobs, state: ConsoleState(), rows: 0..<10)
        #expect(canvas.text.contains("under way: no batch has finished yet") && !canvas.text.contains("connecting to the nodes"), "\(canvas.text)")
    }

    /// A finished job shows its report; its skipped keys are cut to three with the rest counted.
    @Test func aFinishedJobShowsItsReportWithTheFirstSkippedKeys() {
        let board = WarmJobBoard()
        let (id, _) = board.start("warm mc-1 from mc-2 (clone)", at: Date(timeIntervalSince1970: 0))
        var counts = WarmCounts()
        (counts.scanned, counts.copied, counts.tooBig) = (10, 5, 5)
        board.finish(id, WarmReport(
            kind: .clone, target: "mc-1", sources: ["mc-2"], ring: nil, dryRun: false, outcome: .complete, error: nil, counts: counts, durationSeconds: 2,
            problems: (1...5).map { WarmProblem(key: Array("big:\($0)".utf8), reason: "9 bytes, over the 1-byte limit") }, verification: nil))
        var canvas = Canvas(width: 100, height: 20)
        JobsScreen.draw(&canvas, jobs: board.jobs, state: ConsoleState(), rows: 0..<20)
        let text = canvas.text
        #expect(text.contains("warm mc-1 from mc-2 (clone)  complete"), "\(text)")
        #expect(text.contains("keys    scanned 10: copied 5, already present 0, expired 0, too big 5"), "\(text)")
        #expect(text.contains("skipped big:3: 9 bytes") && !text.contains("big:4") && text.contains("… 2 more skipped keys in the audit log"), "\(text)")
    }
}
