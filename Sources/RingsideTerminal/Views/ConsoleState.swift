import RingsideCore
import RingsideEngine

/// Which screen is showing.
public enum Screen: Sendable, Equatable {
    case overview
    case nodeDetail(String)
    case events
    case balancers
    case rings
    case actionLog
    case jobs
    case help

    /// The screens Tab cycles through.
    static let cycle: [Screen] = [.overview, .events, .balancers, .rings, .actionLog, .jobs]

    public var kind: ScreenKind {
        switch self {
        case .overview: .overview
        case .nodeDetail: .nodeDetail
        case .events: .events
        case .balancers: .balancers
        case .rings: .rings
        case .actionLog: .actionLog
        case .jobs: .jobs
        case .help: .help
        }
    }
}

/// How far back the node detail charts reach.
public enum ChartSpan: Int, Sendable, CaseIterable {
    case minute = 60, tenMinutes = 600, hour = 3600

    public var label: String {
        switch self {
        case .minute: "last minute"
        case .tenMinutes: "last 10 minutes"
        case .hour: "last hour"
        }
    }
}

/// The columns the node table sorts by.
public enum SortKey: String, Sendable, CaseIterable {
    case name = "NODE", health = "HEALTH", hitRatio = "HIT%", ops = "OPS/S", evictions = "EV/S", memory = "MEM", latency = "LAT"
}

/// Everything about the console that is not the fleet: screen, cursor, filter, sort, freeze. Pure: keys in,
/// state and effects out, so every behaviour is testable without a terminal.
public struct ConsoleState: Sendable, Equatable {
    public var screen: Screen = .overview
    /// The cursor's row on the current screen, kept in step with `selectedRow` by `follow(_:)`.
    public var selection = 0
    /// The identity of the row under the cursor (a node's name): the cursor follows it when rows re-sort, are
    /// filtered, appear or disappear, so Enter (and later an action) always means the row the operator chose.
    public var selectedRow: String?
    public var filter = ""
    public var editingFilter = false
    public var sort: SortKey = .name
    public var ascending = true
    public var paused = false
    public var chartSpan = ChartSpan.minute
    /// The `:` command being typed, or `nil`.
    public var commandLine: String?
    /// What the command line's prompt says instead of its usual hint (the kinds of warm, for `W`).
    public var commandHint: String?
    /// What the last command answered (an error, or the list of commands), shown until the next key.
    public var message: String?
    /// Why changes are refused (`--read-only`, …), or `nil` when they are allowed.
    public var readOnlyBecause: String?
    public var readOnly: Bool { readOnlyBecause != nil }
    /// The confirmation of an action, over the screen, while one is open.
    public var dialog: ActionDialog?
    /// The action being sent and verified, for the status line (actions never block the console).
    public var actionInProgress: String?
    /// A badge saying where the data comes from, e.g. "DEMO"; `nil` for a real fleet.
    public var sourceBadge: String?
    /// Which ring the ring screen shows (an index into the tracked rings).
    public var ringIndex = 0
    /// Changes staged on the ring screen for its plan preview. Staging only: applying is the actions' job.
    public var staged: [RingChange] = []

    public init(readOnly: Bool = false, readOnlyBecause: String = "--read-only", sourceBadge: String? = nil) {
        self.readOnlyBecause = readOnly ? readOnlyBecause : nil
        self.sourceBadge = sourceBadge
    }

    /// What the loop must do beyond drawing the new state.
    public enum Effect: Sendable, Equatable {
        case none, quit, pollNow, redraw
        /// Open the detail of the selected node (the console knows which node that is).
        case openSelection
        /// A `:` command the console does not know, for the command handler it was given (the demo's drills).
        case external(String)
        /// Stage a change on the selected ring node (the console knows the ring; `RingStaging` applies it).
        case stage(ConsoleAction)
        /// An action on the server under the cursor of the balancers screen (the console knows its group).
        case actOnSelectedServer(OperatorAction.Verb)
        /// The `:` line, prefilled with `weight TARGET ` for the server under the cursor.
        case promptWeight
        /// Take the cache node under the cursor off its ring (the console knows the rings).
        case drainNodeOffRing(String)
        /// Apply the ring screen's staged change.
        case applyStaged
        /// Plan a virtual-node change on a ring, then preview its action.
        case planVirtualNodes(ring: String, node: String, change: VirtualNodeChange)
        /// Read the action's balancers for its preview (the dialog shows "reading…" meanwhile).
        case preview(OperatorAction)
        case apply(ActionPreview)
        /// Apply a drain, wait for the sessions to end, then maintenance.
        case drainThenMaint(ActionPreview)
        case cancel(ActionPreview)
        /// An action key's verb on the selected server, to be followed by maintenance once it has drained.
        case drainThenMaintOnSelectedServer
        /// Read a warm's nodes (its key list, its ring) for the preview.
        case previewWarm(WarmAsk)
        /// Run the confirmed warm as a job.
        case startWarm(ShownWarm)
        /// Cancel the job under the cursor of the jobs screen (its id).
        case cancelJob(Int)
        /// Plan the warms the ring screen's staged change needs, for the dialog.
        case planWarmThenApply
        /// Run the confirmed warms as jobs, then ask to confirm the ring change.
        case startWarmThenApply(ShownWarmThenApply)
    }

    /// In read-only mode: says that `what` is refused and returns `true`; nothing is even read for it.
    private mutating func refusedInReadOnly(_ what: String) -> Bool {
        guard let readOnlyBecause else { return false }
        message = "read-only (\(readOnlyBecause)): \(what) is refused; nothing is sent"
        return true
    }

    /// Opens the dialog for `action`, or says why not.
    mutating func request(_ action: OperatorAction) -> Effect {
        if refusedInReadOnly(action.summary) { return .none }
        dialog = ActionDialog(phase: .reading(action))
        return .preview(action)
    }

    /// Opens the dialog for a warm, whose nodes are read for the preview first.
    mutating func requestWarm(_ ask: WarmAsk) -> Effect {
        if refusedInReadOnly(ask.title) { return .none }
        dialog = ActionDialog(phase: .preparingWarm(ask.title))
        return .previewWarm(ask)
    }

    /// Opens the dialog for a virtual-node change, which is planned on its ring first.
    mutating func requestVirtualNodes(ring: String, node: String, change: VirtualNodeChange) -> Effect {
        if refusedInReadOnly("vnodes \(ring) \(node)") { return .none }
        dialog = ActionDialog(phase: .planning("vnodes \(ring) \(node)"))
        return .planVirtualNodes(ring: ring, node: node, change: change)
    }

    /// An action key on the balancers screen: on the selected server, through the same dialog.
    private mutating func requestOnSelected(_ verb: OperatorAction.Verb, _ what: String) -> Effect {
        guard screen == .balancers, selectedRow != nil, !refusedInReadOnly(what) else { return .none }
        return .actOnSelectedServer(verb)
    }

    /// Switches screens (the cursor starts at the top of the new one).
    mutating func go(to screen: Screen) -> Effect {
        self.screen = screen
        resetSelection()
        return .none
    }

    /// Puts the cursor back on its row in `rows` (the identities of the current screen's rows, in display order).
    /// A row that is gone hands the cursor to the row now at its place.
    public mutating func follow(_ rows: [String]) {
        if let selectedRow, let index = rows.firstIndex(of: selectedRow) {
            selection = index
            return
        }
        selection = min(selection, max(0, rows.count - 1))
        selectedRow = rows.indices.contains(selection) ? rows[selection] : nil
    }

    private mutating func select(_ index: Int, in rows: [String]) {
        selection = min(max(0, index), max(0, rows.count - 1))
        selectedRow = rows.indices.contains(selection) ? rows[selection] : nil
    }

    /// Back to the first row (a new screen).
    private mutating func resetSelection() {
        selection = 0
        selectedRow = nil
    }

    /// Applies a key; `rows` are the identities of the rows the current screen shows, in display order.
    public mutating func handle(_ key: Key, rows: [String], pageSize: Int) -> Effect {
        message = nil
        if dialog != nil { return handleDialog(key) }
        if commandLine != nil { return editCommand(key) }
        if editingFilter { return editFilter(key) }
        if key == .control("c") { return .quit }
        guard let action = KeyMap.action(for: key, on: screen.kind) else { return .none }
        follow(rows)
        switch action {
        case .quit: return .quit
        case .help:
            screen = screen == .help ? .overview : .help
            resetSelection()
        case .up: select(selection - 1, in: rows)
        case .down: select(selection + 1, in: rows)
        case .pageUp: select(selection - pageSize, in: rows)
        case .pageDown: select(selection + pageSize, in: rows)
        case .top: select(0, in: rows)
        case .bottom: select(rows.count - 1, in: rows)
        case .open: return screen == .overview && selectedRow != nil ? .openSelection : .none
        case .back:
            if screen != .overview { screen = .overview } else { filter = "" }
        case .nextScreen, .previousScreen:
            let cycle = Screen.cycle, index = cycle.firstIndex(of: screen) ?? 0
            screen = cycle[(index + (action == .nextScreen ? 1 : cycle.count - 1)) % cycle.count]
            resetSelection()
        case .overviewScreen: screen = .overview
        case .eventsScreen: screen = .events
        case .balancersScreen:
            screen = .balancers
            resetSelection()
        case .ringsScreen:
            screen = .rings
            resetSelection()
        case .nextRing, .previousRing:
            guard screen == .rings else { return .none }
            ringIndex += action == .nextRing ? 1 : -1
            resetSelection()
            staged = []
        case .stageDrain, .stageRemove, .stageWeightUp, .stageWeightDown, .clearStaged:
            return screen == .rings ? .stage(action) : .none
        case .drainServer: return requestOnSelected(.state(.drain), "drain")
        case .drainThenMaintServer:
            guard screen == .balancers, selectedRow != nil, !refusedInReadOnly("drain then maint") else { return .none }
            return .drainThenMaintOnSelectedServer
        case .readyServer: return requestOnSelected(.state(.ready), "ready")
        case .maintServer: return requestOnSelected(.state(.maint), "maint")
        case .weightUp: return requestOnSelected(.weight(.step(1)), "weight +1")
        case .weightDown: return requestOnSelected(.weight(.step(-1)), "weight -1")
        case .weightUpTen: return requestOnSelected(.weight(.step(10)), "weight +10")
        case .weightDownTen: return requestOnSelected(.weight(.step(-10)), "weight -10")
        case .restoreWeight: return requestOnSelected(.weight(.initial), "the initial weight")
        case .weightPrompt:
            guard screen == .balancers, selectedRow != nil, !refusedInReadOnly("a weight change") else { return .none }
            return .promptWeight
        case .actionLogScreen: return go(to: .actionLog)
        case .jobsScreen: return go(to: .jobs)
        case .warmPrompt:
            let node: String? = if case let .nodeDetail(name) = screen { name } else { screen == .overview ? selectedRow : nil }
            guard let node, !refusedInReadOnly("warming \(node)") else { return .none }
            dialog = ActionDialog(phase: .choosingWarm(node))
        case .cancelJob:
            guard screen == .jobs, let id = selectedRow.flatMap(Int.init) else { return .none }
            return .cancelJob(id)
        case .drainNodeOffRing:
            guard screen == .overview, let node = selectedRow, !refusedInReadOnly("taking \(node) off its ring") else { return .none }
            dialog = ActionDialog(phase: .planning("take \(node) off its ring"))
            return .drainNodeOffRing(node)
        case .applyStaged, .warmThenApplyStaged:
            guard screen == .rings else { return .none }
            guard staged.count == 1 else {
                message = staged.isEmpty ? "nothing staged: + - d stage a change on the selected node" : "apply one staged change at a time (c clears)"
                return .none
            }
            let warming = action == .warmThenApplyStaged
            let what = warming ? "warm, then apply \(staged[0])" : "apply \(staged[0])"
            if refusedInReadOnly(warming ? "warming, then applying \(staged[0])" : "applying \(staged[0])") { return .none }
            dialog = ActionDialog(phase: .planning(what))
            return warming ? .planWarmThenApply : .applyStaged
        case .filter:
            editingFilter = true
            if screen != .events { screen = .overview }
        case .chartWindow:
            let all = ChartSpan.allCases
            chartSpan = all[(all.firstIndex(of: chartSpan)! + 1) % all.count]
        case .command: commandLine = ""
        case .sortNext, .sortPrevious:
            let all = SortKey.allCases
            let index = all.firstIndex(of: sort)!
            sort = all[(index + (action == .sortNext ? 1 : all.count - 1)) % all.count]
        case .invertSort: ascending.toggle()
        case .freeze: paused.toggle()
        case .refresh: return .pollNow
        case .redraw: return .redraw
        }
        return .none
    }

    private mutating func editCommand(_ key: Key) -> Effect {
        defer { if commandLine == nil { commandHint = nil } }
        switch key {
        case .escape: commandLine = nil
        case .backspace: if commandLine?.isEmpty == false { commandLine?.removeLast() } else { commandLine = nil }
        case let .character(character): commandLine?.append(character)
        case .control("c"): return .quit
        case .enter:
            let line = commandLine ?? ""
            commandLine = nil
            return run(command: line)
        default: break
        }
        return .none
    }

    /// Runs a `:` command from `CommandTable`; an unknown one goes to the extra commands (the demo's drills).
    mutating func run(command line: String) -> Effect {
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard let verb = words.first?.lowercased() else { return .none }
        let rest = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        guard let command = CommandTable.command(named: verb) else {
            message = "unknown command '\(verb)'; :help lists the commands"
            return .external(line)
        }
        return command.run(&self, verb, rest)
    }

    private mutating func handleDialog(_ key: Key) -> Effect {
        guard var open = dialog else { return .none }
        let outcome = open.handle(key)
        dialog = open
        switch outcome {
        case .stay: return .none
        case .quit: return .quit
        case .close:
            if case let .warming(shown) = open.phase { message = "cancelled: \(shown.value.summary); nothing was copied" }
            if case let .warmingThenApplying(shown) = open.phase { message = "cancelled: \(shown.value.title); nothing was copied, the ring is unchanged" }
            dialog = nil
            return .none
        case let .cancel(preview):
            dialog = nil
            message = "cancelled: \(preview.action.summary); nothing was sent"
            return .cancel(preview)
        case let .apply(preview):
            dialog = nil
            return open.thenMaint ? .drainThenMaint(preview) : .apply(preview)
        case let .warm(shown):
            dialog = nil
            return .startWarm(shown)
        case let .warmThenApply(shown):
            dialog = nil
            return .startWarmThenApply(shown)
        case let .chooseWarm(node, kind):
            dialog = nil
            let prefilled = kind.commandLine(for: node)
            commandLine = prefilled.line
            commandHint = prefilled.hint
            return .none
        }
    }

    private mutating func editFilter(_ key: Key) -> Effect {
        switch key {
        case .enter: editingFilter = false
        case .escape:
            editingFilter = false
            filter = ""
        case .backspace: if !filter.isEmpty { filter.removeLast() }
        case let .character(character): filter.append(character)
        case .control("c"): return .quit
        default: break
        }
        resetSelection()
        return .none
    }
}
