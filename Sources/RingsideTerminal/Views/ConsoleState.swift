import RingsideCore
import RingsideEngine

/// Which screen is showing.
public enum Screen: Sendable, Equatable {
    case overview
    case nodeDetail(String)
    case events
    case balancers
    case rings
    case help

    /// The screens Tab cycles through.
    static let cycle: [Screen] = [.overview, .events, .balancers, .rings]
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
    /// What the last command answered (an error, or the list of commands), shown until the next key.
    public var message: String?
    public var readOnly = false
    /// A badge saying where the data comes from, e.g. "DEMO"; `nil` for a real fleet.
    public var sourceBadge: String?
    /// Which ring the ring screen shows (an index into the tracked rings).
    public var ringIndex = 0
    /// Changes staged on the ring screen for its plan preview. Staging only: applying is the actions' job.
    public var staged: [RingChange] = []

    public init(readOnly: Bool = false, sourceBadge: String? = nil) {
        self.readOnly = readOnly
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
        if commandLine != nil { return editCommand(key) }
        if editingFilter { return editFilter(key) }
        if key == .control("c") { return .quit }
        guard let action = KeyMap.action(for: key) else { return .none }
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

    /// The commands of the `:` line.
    public static let commands = [
        ("q, quit", "quit"), ("help", "the help screen"), ("overview, events, balancers, rings", "go to that screen"),
        ("filter TEXT", "filter nodes or events"), ("sort COLUMN", "sort nodes by NODE, HEALTH, HIT%, OPS/S, EV/S, MEM or LAT"),
        ("freeze", "freeze or unfreeze the screen"), ("poll", "poll every endpoint now"),
    ]

    private mutating func editCommand(_ key: Key) -> Effect {
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

    /// Runs a `:` command; an unknown one leaves a message saying so.
    mutating func run(command line: String) -> Effect {
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard let verb = words.first?.lowercased() else { return .none }
        let argument = words.count > 1 ? words[1] : ""
        switch verb {
        case "q", "quit": return .quit
        case "help": screen = .help
        case "overview": screen = .overview
        case "events": screen = .events
        case "balancers": screen = .balancers
        case "rings": screen = .rings
        case "filter": filter = argument
        case "freeze": paused.toggle()
        case "poll": return .pollNow
        case "sort":
            guard let key = SortKey.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) else {
                message = "sort by one of: \(SortKey.allCases.map(\.rawValue).joined(separator: " "))"
                return .none
            }
            sort = key
        default:
            message = "unknown command '\(verb)'; :help lists the commands"
            return .external(line)
        }
        return .none
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
