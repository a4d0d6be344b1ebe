import RingsideCore
import RingsideEngine

/// What a frame needs besides the fleet and the console state.
public struct RenderContext: Sendable {
    public var glyphs: Glyphs
    /// Wall-clock time for the header, already formatted (injected so frames are reproducible in tests).
    public var clock: String
    /// The fleet hit ratio, one value per poll interval, oldest first.
    public var fleetHitRatios: [Double?]
    /// `:` commands beyond the console's own (the demo's drills), for the help screen.
    public var extraCommands: [(String, String)]
    /// The fleet's rings as of this frame, for the ring screen.
    public var rings: [TrackedRing]
    /// The plan for the staged changes on the shown ring (computed by the loop, which caches it).
    public var ringPlan: Result<RingPlan, RingError>?
    /// What the data source adds to the header (the demo's origin load), after the alerts.
    public var sourceNote: String?
    /// The overview's node rows (`NodeRows.visible`), when the loop already sorted them this frame to keep the
    /// cursor on its node; `nil` has the overview sort them itself.
    public var nodeRows: [Int]?
    /// This session's actions, oldest first, for the action log.
    public var actionReports: [ActionReport] = []
    /// Warms reading cache nodes (from the audit log): their reads count in the nodes' hit ratios.
    public var warmingReads: [WarmingRead] = []
    /// The warms this console started, for the jobs screen.
    public var jobs: [WarmJobBoard.Job] = []

    public init(
        glyphs: Glyphs, clock: String, fleetHitRatios: [Double?] = [], extraCommands: [(String, String)] = [], rings: [TrackedRing] = [],
        ringPlan: Result<RingPlan, RingError>? = nil, sourceNote: String? = nil
    ) {
        self.glyphs = glyphs
        self.clock = clock
        self.fleetHitRatios = fleetHitRatios
        self.extraCommands = extraCommands
        self.rings = rings
        self.ringPlan = ringPlan
        self.sourceNote = sourceNote
    }
}

/// Composes a whole frame: header, the current screen, hint bar; or the "too small" notice.
public enum ConsoleView {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public static func render(_ snapshot: FleetSnapshot, state: ConsoleState, context: RenderContext, width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            drawTooSmall(&canvas)
            return canvas
        }
        drawHeader(&canvas, snapshot, state: state, context: context)
        // The screen draws into its own rectangle (below the header, above the hint bar), so a dialog or a side
        // panel can take part of the terminal without the screen knowing.
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        canvas.place(drawScreen(snapshot, state: state, context: context, in: body), at: (body.x, body.y))
        if let dialog = state.dialog { ActionDialogView.draw(&canvas, dialog, glyphs: context.glyphs) }
        HintBar.draw(&canvas, state: state, y: height - 1)
        if context.glyphs.ascii { canvas.transliterateToASCII() }
        return canvas
    }

    /// The current screen, drawn on a canvas the size of `rect`.
    static func drawScreen(_ snapshot: FleetSnapshot, state: ConsoleState, context: RenderContext, in rect: Rect) -> Canvas {
        var canvas = Canvas(width: rect.width, height: rect.height)
        let rows = 0..<rect.height
        switch state.screen {
        case .overview: OverviewScreen.draw(&canvas, snapshot, state: state, context: context, rows: rows)
        case .events: EventsScreen.draw(&canvas, snapshot, state: state, context: context, rows: rows)
        case .balancers: BalancersScreen.draw(&canvas, snapshot, state: state, glyphs: context.glyphs, rows: rows)
        case .rings: RingScreen.draw(&canvas, snapshot, state: state, context: context, rows: rows)
        case .help: HelpScreen.draw(&canvas, state: state, extraCommands: context.extraCommands, rows: rows)
        case .actionLog: ActionLogScreen.draw(&canvas, reports: context.actionReports, state: state, rows: rows)
        case .jobs: JobsScreen.draw(&canvas, jobs: context.jobs, state: state, rows: rows)
        case let .nodeDetail(name): NodeDetailScreen.draw(&canvas, snapshot, node: name, span: state.chartSpan, context: context, rows: rows)
        }
        return canvas
    }

    /// Below 80×24 the screen says how large it needs to be instead of drawing garbage; `q` still quits.
    static func drawTooSmall(_ canvas: inout Canvas) {
        let lines = [
            "Terminal too small: \(canvas.width)x\(canvas.height)", "ringside needs \(minimumWidth)x\(minimumHeight)", "q quits",
        ]
        let top = max(0, (canvas.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let text = line.fitted(to: canvas.width, ellipsis: "~")
            canvas.put(text, x: max(0, (canvas.width - text.count) / 2), y: top + offset, slot: offset == 0 ? .warn : .body)
        }
    }

    /// Badges (source, READ-ONLY, PAUSED) sit at the right and are never cut. The fields before them are dropped
    /// whole when they do not fit, least important first (the clock, then the source's note, then the name),
    /// never cut mid-word; the alert count, the health counts and the fleet hit ratio stay.
    static func drawHeader(_ canvas: inout Canvas, _ snapshot: FleetSnapshot, state: ConsoleState, context: RenderContext) {
        canvas.fill(row: 0, slot: .header)
        let badges = [state.sourceBadge, state.readOnly ? "READ-ONLY" : nil, state.paused ? "PAUSED" : nil].compactMap { $0 }
        var right = canvas.width
        for badge in badges.reversed() {
            right -= badge.count + 3
            canvas.put(" \(badge) ", x: right + 1, y: 0, slot: .badge)
        }
        let counts = healthCounts(snapshot)
        let alerts = snapshot.alertCount
        let health = counts.waiting == snapshot.endpoints.count
            ? "waiting for the first poll"
            : "\(counts.up) up \(counts.degraded) degraded \(counts.down) down" + (counts.waiting > 0 ? " \(counts.waiting) waiting" : "")
        // (text, drop rank): the highest rank is dropped first; rank 0 always stays.
        var fields: [(text: String, rank: Int)] = [
            (snapshot.fleet.name, 3),
            ("hit \(Format.percent(snapshot.fleetTotals.hitRatio)) " + context.glyphs.sparkline(context.fleetHitRatios, width: 6), 0),
            (health, 0),
            (alerts == 0 ? "no alerts" : "\(alerts) alert\(alerts == 1 ? "" : "s")", 0),
        ]
        if let note = context.sourceNote { fields.append((note, 5)) }
        fields.append(("\(context.clock) every \(DurationText.format(snapshot.fleet.polling.interval))", 6))
        if canvas.width >= 110 { fields.insert(("ringside", 4), at: 0) }
        let separator = " \(context.glyphs.vertical) ", room = max(0, right - 1)
        func line(_ fields: [(text: String, rank: Int)]) -> String { " " + fields.map(\.text).joined(separator: separator) }
        while line(fields).columns > room, let drop = fields.indices.filter({ fields[$0].rank > 0 }).max(by: { fields[$0].rank < fields[$1].rank }) {
            fields.remove(at: drop)
        }
        canvas.put(line(fields).fitted(to: room, ellipsis: context.glyphs.ellipsis), x: 0, y: 0, slot: .header)
    }

    static func healthCounts(_ snapshot: FleetSnapshot) -> (up: Int, degraded: Int, down: Int, waiting: Int) {
        var counts = (up: 0, degraded: 0, down: 0, waiting: 0)
        for index in snapshot.endpoints.indices {
            switch snapshot.endpoints[index].health {
            case .up: counts.up += 1
            case .unknown: counts.waiting += 1
            case .slow: counts.degraded += 1
            case .down, .authFailed, .protocolError: counts.down += 1
            }
        }
        return counts
    }
}
