/// One entry of the keymap: the single table that drives the dispatcher, the hint bar and the help screen, so
/// help can never disagree with what the keys do.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    /// How the keys are written in hints and help.
    public var label: String
    public var action: ConsoleAction
    /// The word in the hint bar.
    public var hint: String
    public var description: String
    /// Lower shows first in the hint bar; `nil` keeps it out of the hint bar (help only).
    public var hintPriority: Int?
    /// `false` when a partner binding's help line already names this key ("] [" covers "[").
    public var listedInHelp = true
}

public enum KeyMap {
    public static let bindings: [KeyBinding] = [
        KeyBinding(keys: [.character("q")], label: "q", action: .quit, hint: "Quit", description: "Quit ringside (Ctrl-C too)", hintPriority: 0),
        KeyBinding(keys: [.character("?"), .function(1)], label: "?", action: .help, hint: "Help", description: "This help (F1 too)", hintPriority: 1),
        KeyBinding(keys: [.up, .character("k")], label: "↑k", action: .up, hint: "Up", description: "Move up", hintPriority: nil),
        KeyBinding(keys: [.down, .character("j")], label: "↓j", action: .down, hint: "Down", description: "Move down", hintPriority: nil),
        KeyBinding(keys: [.pageUp], label: "PgUp", action: .pageUp, hint: "Page up", description: "Move a page up", hintPriority: nil),
        KeyBinding(keys: [.pageDown], label: "PgDn", action: .pageDown, hint: "Page down", description: "Move a page down", hintPriority: nil),
        KeyBinding(keys: [.character("g"), .home], label: "g", action: .top, hint: "Top", description: "Go to the first row", hintPriority: nil),
        KeyBinding(keys: [.character("G"), .end], label: "G", action: .bottom, hint: "Bottom", description: "Go to the last row", hintPriority: nil),
        KeyBinding(keys: [.enter], label: "Enter", action: .open, hint: "Detail", description: "Details of the selected node", hintPriority: 3),
        KeyBinding(keys: [.escape], label: "Esc", action: .back, hint: "Back", description: "Back; clears the filter", hintPriority: 4),
        KeyBinding(keys: [.tab], label: "Tab", action: .nextScreen, hint: "Next", description: "Next screen", hintPriority: nil),
        KeyBinding(keys: [.backTab], label: "S-Tab", action: .previousScreen, hint: "Previous", description: "Previous screen", hintPriority: nil),
        KeyBinding(keys: [.character("1")], label: "1", action: .overviewScreen, hint: "Overview", description: "Overview screen", hintPriority: nil),
        KeyBinding(keys: [.character("2")], label: "2", action: .eventsScreen, hint: "Events", description: "Events screen", hintPriority: 5),
        KeyBinding(keys: [.character("3")], label: "3", action: .balancersScreen, hint: "Balancers", description: "Balancers: every server", hintPriority: 9),
        KeyBinding(keys: [.character("4")], label: "4", action: .ringsScreen, hint: "Rings", description: "Rings: ownership, load, plan", hintPriority: 11),
        KeyBinding(keys: [.character("]")], label: "] [", action: .nextRing, hint: "Ring", description: "Rings: next / previous ring", hintPriority: nil),
        KeyBinding(
            keys: [.character("[")], label: "[", action: .previousRing, hint: "Ring", description: "Rings: previous ring", hintPriority: nil,
            listedInHelp: false),
        KeyBinding(keys: [.character("+")], label: "+ -", action: .stageWeightUp, hint: "Weight", description: "Rings: stage weight +1 / -1", hintPriority: nil),
        KeyBinding(
            keys: [.character("-")], label: "-", action: .stageWeightDown, hint: "Weight", description: "Rings: stage weight -1 on the selected node",
            hintPriority: nil, listedInHelp: false),
        KeyBinding(keys: [.character("d")], label: "d", action: .stageDrain, hint: "Drain", description: "Rings: stage a drain (again: undo)", hintPriority: nil),
        KeyBinding(keys: [.character("x")], label: "x", action: .stageRemove, hint: "Remove", description: "Rings: stage a removal (again: undo)", hintPriority: nil),
        KeyBinding(keys: [.character("c")], label: "c", action: .clearStaged, hint: "Clear", description: "Rings: clear the staged changes", hintPriority: nil),
        KeyBinding(
            keys: [.character("/")], label: "/", action: .filter, hint: "Filter",
            description: "Filter nodes by name, or events by text (Esc clears)", hintPriority: 2),
        KeyBinding(keys: [.character(":")], label: ":", action: .command, hint: "Command", description: "Command line (:help lists commands)", hintPriority: 10),
        KeyBinding(
            keys: [.character("w")], label: "w", action: .chartWindow, hint: "Window",
            description: "Node detail charts: last minute, ten minutes, hour", hintPriority: nil),
        KeyBinding(keys: [.character("s"), .character(">")], label: "s >", action: .sortNext, hint: "Sort", description: "Sort by the next column", hintPriority: 6),
        KeyBinding(keys: [.character("<")], label: "<", action: .sortPrevious, hint: "Sort back", description: "Sort by the previous column", hintPriority: nil),
        KeyBinding(keys: [.character("I")], label: "I", action: .invertSort, hint: "Invert", description: "Invert the sort order", hintPriority: nil),
        KeyBinding(keys: [.character("Z")], label: "Z", action: .freeze, hint: "Freeze", description: "Freeze the screen (polling goes on)", hintPriority: 7),
        KeyBinding(keys: [.character("r")], label: "r", action: .refresh, hint: "Poll now", description: "Poll every endpoint now", hintPriority: 8),
        KeyBinding(keys: [.control("l")], label: "^L", action: .redraw, hint: "Redraw", description: "Redraw the whole screen", hintPriority: nil),
    ]

    /// The action bound to `key`, if any.
    public static func action(for key: Key) -> ConsoleAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }
}
