import Foundation
import RingsideCore
import RingsideEngine

/// How the console looks and what it may do.
public struct ConsoleOptions: Sendable {
    public var ascii: Bool
    public var monochrome: Bool
    public var readOnly: Bool
    public var theme: Theme
    /// A badge naming where the data comes from ("DEMO"); `nil` for a real fleet.
    public var sourceBadge: String?

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

/// The live console: the engine polls in the background; this loop, on the calling thread, owns every curses
/// call, reads keys (waiting at most 100 ms) and draws the newest snapshot.
public enum Console {
    /// Runs until `q`, Ctrl-C, SIGTERM or SIGHUP; always restores the terminal. Returns the signal that ended it, if any.
    @discardableResult
    public static func run(engine: PollEngine, options: ConsoleOptions) throws -> Int32? {
        let terminal = try CursesTerminal(
            ascii: options.ascii, monochrome: options.monochrome, theme: options.theme, term: ProcessInfo.processInfo.environment["TERM"])
        defer { terminal.close() }
        engine.start()
        var state = ConsoleState(readOnly: options.readOnly, sourceBadge: options.sourceBadge)
        var fleetHitRatios = BoundedSeries(capacity: 600)
        var lastRecorded = Date.distantPast
        var frozen: FleetSnapshot?
        var lastFrame: Canvas?
        let clockFormat = DateFormatter()
        clockFormat.dateFormat = "HH:mm:ss"

        while terminationSignal.load(ordering: .relaxed) == 0 {
            let live = engine.snapshot()
            if Date().timeIntervalSince(lastRecorded) >= engine.fleet.polling.interval.secondsDouble {
                fleetHitRatios.append(live.fleetTotals.hitRatio)
                lastRecorded = Date()
            }
            if state.paused { frozen = frozen ?? live } else { frozen = nil }
            let snapshot = frozen ?? live
            let (width, height) = terminal.size
            let context = RenderContext(
                glyphs: terminal.unicode ? .unicode : .plain, clock: clockFormat.string(from: snapshot.takenAt),
                fleetHitRatios: Array(fleetHitRatios.values))
            let frame = ConsoleView.render(snapshot, state: state, context: context, width: width, height: height)
            if frame != lastFrame {
                terminal.draw(frame)
                lastFrame = frame
            }
            guard let key = terminal.readKey() else { continue }
            if key == .resize { continue }
            let rows = NodeRows.visible(snapshot, state: state)
            if KeyMap.action(for: key) == .open, state.screen == .overview, !state.editingFilter, !rows.isEmpty {
                state.screen = .nodeDetail(snapshot.endpoints[rows[min(state.selection, rows.count - 1)]].endpoint.name)
                continue
            }
            let scrollable = state.screen == .balancers ? BalancersScreen.lineCount(snapshot, width: width) : rows.count
            switch state.handle(key, rows: scrollable, pageSize: max(1, height - 10)) {
            case .quit: return nil
            case .pollNow: Task.detached { await engine.pollAllOnce() }
            case .redraw:
                terminal.repaintEverything()
                lastFrame = nil
            case .none: break
            }
        }
        return terminationSignal.load(ordering: .relaxed)
    }
}
