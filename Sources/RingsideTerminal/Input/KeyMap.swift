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
    /// The screen the keys work on; `nil`: every screen. A screen's own keys never reuse a global key.
    public var screen: ScreenKind?
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
        KeyBinding(keys: [.character("]")], label: "] [", action: .nextRing, hint: "Ring", description: "Rings: next / previous ring", hintPriority: nil, screen: .rings),
        KeyBinding(
            keys: [.character("[")], label: "[", action: .previousRing, hint: "Ring", description: "Rings: previous ring", hintPriority: nil,
            listedInHelp: false, screen: .rings),
        KeyBinding(keys: [.character("+")], label: "+ -", action: .stageWeightUp, hint: "Weight", description: "Rings: stage weight +1 / -1", hintPriority: nil, screen: .rings),
        KeyBinding(
            keys: [.character("-")], label: "-", action: .stageWeightDown, hint: "Weight", description: "Rings: stage weight -1 on the selected node",
            hintPriority: nil, listedInHelp: false, screen: .rings),
        KeyBinding(keys: [.character("d")], label: "d", action: .stageDrain, hint: "Drain", description: "Rings: stage a drain (again: undo)", hintPriority: nil, screen: .rings),
        KeyBinding(keys: [.character("x")], label: "x", action: .stageRemove, hint: "Remove", description: "Rings: stage a removal (again: undo)", hintPriority: nil, screen: .rings),
        KeyBinding(keys: [.character("c")], label: "c", action: .clearStaged, hint: "Clear", description: "Rings: clear the staged changes", hintPriority: nil, screen: .rings),
        KeyBinding(
            keys: [.character("/")], label: "/", action: .filter, hint: "Filter",
            description: "Filter nodes by name, or events by text (Esc clears)", hintPriority: 2),
        KeyBinding(keys: [.character(":")], label: ":", action: .command, hint: "Command", description: "Command line (:help lists commands)", hintPriority: 10),
        KeyBinding(
            keys: [.character("w")], label: "w", action: .chartWindow, hint: "Window",
            description: "Node detail charts: last minute, ten minutes, hour", hintPriority: nil, screen: .nodeDetail),
        KeyBinding(keys: [.character("s"), .character(">")], label: "s >", action: .sortNext, hint: "Sort", description: "Sort by the next column", hintPriority: 6),
        KeyBinding(keys: [.character("<")], label: "<", action: .sortPrevious, hint: "Sort back", description: "Sort by the previous column", hintPriority: nil),
        KeyBinding(keys: [.character("I")], label: "I", action: .invertSort, hint: "Invert", description: "Invert the sort order", hintPriority: nil),
        KeyBinding(keys: [.character("Z")], label: "Z", action: .freeze, hint: "Freeze", description: "Freeze the screen (polling goes on)", hintPriority: 7),
        KeyBinding(keys: [.character("r")], label: "r", action: .refresh, hint: "Poll now", description: "Poll every endpoint now", hintPriority: 8),
        KeyBinding(keys: [.control("l")], label: "^L", action: .redraw, hint: "Redraw", description: "Redraw the whole screen", hintPriority: nil),
        KeyBinding(keys: [.character("a"), .character("5")], label: "a", action: .actionLogScreen, hint: "Actions", description: "Action log: every command sent, every reply", hintPriority: 12),
        KeyBinding(keys: [.character("J"), .character("6")], label: "J", action: .jobsScreen, hint: "Jobs", description: "Jobs: warms running and done, with progress and reports", hintPriority: 13),
        KeyBinding(keys: [.character("x")], label: "x", action: .cancelJob, hint: "Cancel job", description: "Jobs: cancel the selected warm (the batches in flight finish)", hintPriority: 3, screen: .jobs),
        KeyBinding(
            keys: [.character("W")], label: "W", action: .warmPrompt, hint: "Warm",
            description: "Overview, node detail: warm the selected cache node (:warm, prefilled; preview, then confirm)", hintPriority: nil, screen: .overview),
        KeyBinding(
            keys: [.character("W")], label: "W", action: .warmPrompt, hint: "Warm", description: "Node detail: warm this cache node",
            hintPriority: nil, listedInHelp: false, screen: .nodeDetail),
        KeyBinding(keys: [.character("d")], label: "d", action: .drainNodeOffRing, hint: "Drain", description: "Overview: take the selected cache node off its ring (HAProxy: drain its server)", hintPriority: nil, screen: .overview),
        KeyBinding(
            keys: [.character("W")], label: "W", action: .warmThenApplyStaged, hint: "Warm+apply",
            description: "Rings: warm the nodes the staged change gives keys to, then apply it (each step confirmed)", hintPriority: 4, screen: .rings),
        KeyBinding(keys: [.character("A")], label: "A", action: .applyStaged, hint: "Apply", description: "Rings: apply the staged change (preview, then confirm)", hintPriority: 3, screen: .rings),
        // Balancers: hatop's keys where it has them (F4 initial weight, F5-F8 weight -10 -1 +1 +10); every one
        // opens a preview with Cancel as the default, so no single keystroke changes a server.
        KeyBinding(keys: [.character("d")], label: "d", action: .drainServer, hint: "Drain", description: "Balancers: drain the selected server", hintPriority: 3, screen: .balancers),
        KeyBinding(keys: [.character("D")], label: "D", action: .drainThenMaintServer, hint: "Drain→maint", description: "Balancers: drain, wait for no sessions and no queue (5 min at most), then maint", hintPriority: nil, screen: .balancers),
        KeyBinding(keys: [.character("m")], label: "m", action: .maintServer, hint: "Maint", description: "Balancers: maintenance for the selected server", hintPriority: 4, screen: .balancers),
        KeyBinding(keys: [.character("u")], label: "u", action: .readyServer, hint: "Ready", description: "Balancers: the selected server back to ready", hintPriority: 5, screen: .balancers),
        KeyBinding(keys: [.character("W")], label: "W", action: .weightPrompt, hint: "Weight", description: "Balancers: set the weight (N, N%, +N, -N, initial)", hintPriority: 6, screen: .balancers),
        KeyBinding(keys: [.character("+"), .function(7)], label: "+ -", action: .weightUp, hint: "±1", description: "Balancers: weight +1 / -1 (F7 / F6)", hintPriority: nil, screen: .balancers),
        KeyBinding(keys: [.character("-"), .function(6)], label: "-", action: .weightDown, hint: "-1", description: "Balancers: weight -1", hintPriority: nil, listedInHelp: false, screen: .balancers),
        KeyBinding(keys: [.character("}"), .function(8)], label: "} {", action: .weightUpTen, hint: "±10", description: "Balancers: weight +10 / -10 (F8 / F5)", hintPriority: nil, screen: .balancers),
        KeyBinding(keys: [.character("{"), .function(5)], label: "{", action: .weightDownTen, hint: "-10", description: "Balancers: weight -10", hintPriority: nil, listedInHelp: false, screen: .balancers),
        KeyBinding(keys: [.character("i"), .function(4)], label: "i", action: .restoreWeight, hint: "Initial", description: "Balancers: back to the initial weight (F4)", hintPriority: nil, screen: .balancers),
    ]

    /// The bindings in force on `screen`: its own, then the global ones.
    public static func bindings(on screen: ScreenKind) -> [KeyBinding] {
        bindings.filter { $0.screen == screen } + bindings.filter { $0.screen == nil }
    }

    /// The action bound to `key` on `screen`, if any.
    public static func action(for key: Key, on screen: ScreenKind) -> ConsoleAction? {
        bindings(on: screen).first { $0.keys.contains(key) }?.action
    }
}
