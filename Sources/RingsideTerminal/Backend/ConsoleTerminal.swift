/// What the console loop reads from its terminal each turn.
public enum TerminalInput: Sendable, Equatable {
    case key(Key)
    /// No key within the input timeout (100 ms).
    case idle
    /// The terminal went away (end-of-file or hang-up on standard input): the loop ends as on SIGHUP.
    case gone
}

/// The terminal the console loop draws on and reads keys from: ncurses in production, `InMemoryTerminal` in tests,
/// so the loop itself can be stepped without curses.
public protocol ConsoleTerminal: AnyObject {
    /// Unicode glyphs may be drawn (UTF-8 locale and no `--ascii`).
    var unicode: Bool { get }
    var size: (width: Int, height: Int) { get }
    /// The next key, waiting at most the input timeout.
    func readInput() -> TerminalInput
    func draw(_ canvas: Canvas)
    /// Ctrl-L: repaint everything from scratch on the next draw.
    func repaintEverything()
    /// Gives the terminal back (called exactly once, on every way out of the loop).
    func close()
}
