import RingsideCore
import RingsideEngine

/// Which screen is showing.
public enum Screen: Sendable, Equatable {
    case overview
    case nodeDetail(String)
    case events
    case help
}

/// The columns the node table sorts by.
public enum SortKey: String, Sendable, CaseIterable {
    case name = "NODE", health = "HEALTH", hitRatio = "HIT%", ops = "OPS/S", evictions = "EV/S", memory = "MEM", latency = "LAT"
}

/// Everything about the console that is not the fleet: screen, cursor, filter, sort, freeze. Pure: keys in,
/// state and effects out, so every behaviour is testable without a terminal.
public struct ConsoleState: Sendable, Equatable {
    public var screen: Screen = .overview
    public var selection = 0
    public var filter = ""
    public var editingFilter = false
    public var sort: SortKey = .name
    public var ascending = true
    public var paused = false
    public var readOnly = false
    /// A badge saying where the data comes from, e.g. "DEMO"; `nil` for a real fleet.
    public var sourceBadge: String?

    public init(readOnly: Bool = false, sourceBadge: String? = nil) {
        self.readOnly = readOnly
        self.sourceBadge = sourceBadge
    }

    /// What the loop must do beyond drawing the new state.
    public enum Effect: Sendable, Equatable {
        case none, quit, pollNow, redraw
    }

    /// Applies a key; `rows` is how many node rows the current snapshot shows (for cursor bounds).
    public mutating func handle(_ key: Key, rows: Int, pageSize: Int) -> Effect {
        if editingFilter { return editFilter(key) }
        if key == .control("c") { return .quit }
        guard let action = KeyMap.action(for: key) else { return .none }
        switch action {
        case .quit: return .quit
        case .help: screen = screen == .help ? .overview : .help
        case .up: selection = max(0, selection - 1)
        case .down: selection = min(max(0, rows - 1), selection + 1)
        case .pageUp: selection = max(0, selection - pageSize)
        case .pageDown: selection = min(max(0, rows - 1), selection + pageSize)
        case .top: selection = 0
        case .bottom: selection = max(0, rows - 1)
        case .open: return .none  // resolved by the console, which knows the selected node's name
        case .back:
            if screen != .overview { screen = .overview } else { filter = "" }
        case .nextScreen, .previousScreen: screen = screen == .events ? .overview : .events
        case .overviewScreen: screen = .overview
        case .eventsScreen: screen = .events
        case .filter:
            editingFilter = true
            screen = .overview
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
        selection = 0
        return .none
    }
}
