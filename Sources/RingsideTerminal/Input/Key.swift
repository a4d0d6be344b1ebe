/// A key press, decoded from the terminal by the backend.
public enum Key: Sendable, Hashable {
    case character(Character)
    case control(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    case function(Int)
    /// The terminal changed size (ncurses' KEY_RESIZE).
    case resize
}

/// What a key asks the console to do.
public enum ConsoleAction: String, Sendable, CaseIterable {
    case quit, help, up, down, pageUp, pageDown, top, bottom, nextScreen, previousScreen, open, back
    case filter, sortNext, sortPrevious, invertSort, freeze, refresh, redraw, chartWindow, command
    case overviewScreen, eventsScreen, balancersScreen, ringsScreen
    /// The ring screen: switch rings, stage changes for the plan preview (staging only; nothing is sent).
    case nextRing, previousRing, stageDrain, stageRemove, stageWeightUp, stageWeightDown, clearStaged
    /// The balancers screen, on the selected server: each opens a preview and a confirmation, never sends at once.
    case drainServer, drainThenMaintServer, readyServer, maintServer, weightPrompt, weightUp, weightDown, weightUpTen, weightDownTen, restoreWeight
    case actionLogScreen
    /// The overview: take the selected cache node off its ring. The rings screen: apply the staged change.
    case drainNodeOffRing, applyStaged
    /// Warming: the jobs screen; on a cache node, the `:warm` line prefilled; on the jobs screen, cancel.
    case jobsScreen, warmPrompt, cancelJob
    /// The rings screen: warm the nodes the staged change gives keys to, then apply it.
    case warmThenApplyStaged
}

/// The screens as the keymap knows them: keys bound to one screen are looked up before the global ones.
public enum ScreenKind: Sendable, Hashable, CaseIterable {
    case overview, nodeDetail, events, balancers, rings, actionLog, jobs, help
}
