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
}

extension PollEngine: ConsoleSource {}

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
        var state = ConsoleState(readOnly: options.readOnly, sourceBadge: options.sourceBadge)
        var fleetHitRatios = BoundedSeries<Double?>(capacity: 600)
        var lastRecorded = Date.distantPast
        var frozen: FleetSnapshot?
        var lastFrame: Canvas?
        // What an extra command answered, from its task back to this loop.
        let answers = Answers()
        let clockFormat = DateFormatter()
        clockFormat.dateFormat = "HH:mm:ss"
        let remoteRings = RemoteRingSources()
        var ringTracker = RingTracker(fleet: engine.fleet, remote: remoteRings)
        // Redis Cluster rings are read from the first time the ring screen opens, not before.
        var remoteRingsStarted = false
        defer { remoteRings.stop() }
        var planCache = PlanCache()
        let failpoint = ConsoleFailpoint.fromEnvironment()

        while terminationSignal.load(ordering: .relaxed) == 0 {
            let live = engine.snapshot()
            if Date().timeIntervalSince(lastRecorded) >= engine.fleet.polling.interval.secondsDouble {
                fleetHitRatios.append(live.fleetTotals.hitRatio)
                lastRecorded = Date()
            }
            if let answer = answers.take() { state.message = answer }
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
            let rows = SelectableRows.of(
                snapshot, state: state, nodeRows: nodeRows, rings: rings, size: (width, height), extraCommands: options.extraCommands?.help ?? [])
            state.follow(rows)
            var context = RenderContext(
                glyphs: terminal.unicode ? .unicode : .plain, clock: clockFormat.string(from: snapshot.takenAt),
                fleetHitRatios: Array(fleetHitRatios.values), extraCommands: options.extraCommands?.help ?? [], rings: rings,
                ringPlan: planCache.plan(for: rings, state: state), sourceNote: options.sourceNote?())
            context.nodeRows = nodeRows
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
                Task.detached { answers.put(await run(line) ?? "unknown command '\(line)'; :help lists the commands") }
            case .openSelection:
                if let node = state.selectedRow { state.screen = .nodeDetail(node) }
            case let .stage(action): RingStaging.apply(action, to: &state, rings: rings)
            case .none: break
            }
        }
        return terminationSignal.load(ordering: .relaxed)
    }
}

/// The identities of the rows the current screen lets the cursor move over, in display order.
enum SelectableRows {
    /// - Parameter nodeRows: the overview's node order, when already computed.
    static func of(
        _ snapshot: FleetSnapshot, state: ConsoleState, nodeRows: [Int]?, rings: [TrackedRing], size: (width: Int, height: Int),
        extraCommands: [(String, String)]
    ) -> [String] {
        let width = size.width
        switch state.screen {
        case .overview: return (nodeRows ?? NodeRows.visible(snapshot, state: state)).map { snapshot.endpoints[$0].endpoint.name }
        case .rings:
            guard !rings.isEmpty, let ring = rings[RingScreen.wrappedIndex(state.ringIndex, count: rings.count)].ring else { return [] }
            return ring.nodes.map(\.name)
        // Balancer lines and help rows scroll: a line's place is its identity.
        case .balancers: return (0..<BalancersScreen.lineCount(snapshot, width: width)).map(String.init)
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

/// The latest answer of an extra command, handed from its task to the console loop.
private final class Answers: Sendable {
    private let latest = Mutex<String?>(nil)

    func put(_ answer: String) { latest.withLock { $0 = answer } }

    func take() -> String? {
        latest.withLock { latest in
            defer { latest = nil }
            return latest
        }
    }
}
