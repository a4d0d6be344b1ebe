import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// The ncurses backend: owns the screen, reads keys and copies canvases out. Every curses call happens on the
/// thread that created it (the console loop).
final class CursesTerminal: ConsoleTerminal {
    enum StartError: Error, CustomStringConvertible {
        case unusableTerminal(String)
        /// Standard input or output is not a terminal (`ssh host ringside` without `-t`, cron, `</dev/null`).
        case notATerminal(String)

        var description: String {
            switch self {
            case let .unusableTerminal(term):
                "cannot run the console on TERM=\(term.isEmpty ? "(unset)" : term); try TERM=xterm-256color, or use 'ringside status'"
            case let .notATerminal(stream):
                "the console needs a terminal, and standard \(stream) is not one (ssh without -t, cron, a pipe); "
                    + "use 'ringside status' (or --json) for a report"
            }
        }
    }

    let unicode: Bool
    /// The colours in use: what the terminal has, or monochrome when asked for.
    let depth: ColorDepth
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// Per slot: the colour pair and the attributes to draw with.
    private var styles: [Slot: (pair: Int16, attributes: attr_t)] = [:]

    /// - Parameters:
    ///   - ascii: force ASCII glyphs (otherwise: Unicode exactly when the locale is UTF-8).
    ///   - monochrome: attributes instead of colours (NO_COLOR, --no-color, or a terminal without colours).
    ///   - theme: the looks, stepped down to what the terminal can show.
    init(ascii: Bool, monochrome: Bool, theme: Theme, term: String?) throws {
        setlocale(LC_ALL, "")
        guard let term, !term.isEmpty, term != "dumb" else { throw StartError.unusableTerminal(term ?? "") }
        guard isatty(STDIN_FILENO) == 1 else { throw StartError.notATerminal("input") }
        guard isatty(STDOUT_FILENO) == 1 else { throw StartError.notATerminal("output") }
        TerminalRestore.install()
        guard let screen = cn_newterm(nil) else {
            consoleFinished.store(true, ordering: .relaxed)
            TerminalRestore.releaseStandardError()
            throw StartError.unusableTerminal(term)
        }
        self.screen = screen
        window = cn_stdscr()
        unicode = !ascii && cn_codeset_is_utf8() != 0
        set_escdelay(25)
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        wtimeout(window, 100)
        depth = Self.startColour(monochrome: monochrome)
        for (index, slot) in Slot.allCases.enumerated() {
            let look = theme.resolve(slot, depth: depth)
            if depth != .monochrome { init_pair(Int16(index + 1), look.foreground, look.background) }
            styles[slot] = (depth == .monochrome ? 0 : Int16(index + 1), Self.attributes(look.attributes))
        }
    }

    /// Starts colour unless monochrome was asked for, and returns the depth the terminal then reports.
    ///
    /// ncurses sets `COLORS` inside `start_color()`: read before it, every terminal reads as monochrome and the
    /// theme is ignored. `has_colors()` (terminfo) decides whether to start colour at all.
    private static func startColour(monochrome: Bool) -> ColorDepth {
        guard !monochrome, has_colors() else { return .monochrome }
        start_color()
        use_default_colors()
        return ColorDepth(colors: Int(cn_colors()), monochrome: false)
    }

    private static func attributes(_ attributes: [ThemeAttribute]) -> attr_t {
        attributes.reduce(cn_a_normal()) { result, attribute in
            switch attribute {
            case .bold: result | cn_a_bold()
            case .dim: result | cn_a_dim()
            case .reverse: result | cn_a_reverse()
            case .underline: result | cn_a_underline()
            }
        }
    }

    var size: (width: Int, height: Int) {
        var height: Int32 = 0, width: Int32 = 0
        cn_getmaxyx(window, &height, &width)
        return (Int(width), Int(height))
    }

    /// Consecutive reads that failed long before the input timeout: with standard input at end-of-file,
    /// `wget_wch` fails at once, every time.
    private var instantFailures = 0

    /// The next key, `.idle` after 100 ms without one, `.gone` once the terminal has gone away.
    func readInput() -> TerminalInput {
        var character: wint_t = 0
        let started = ContinuousClock.now
        switch wget_wch(window, &character) {
        case OK:
            instantFailures = 0
            return Self.decode(character: character).map(TerminalInput.key) ?? .idle
        case KEY_CODE_YES:
            instantFailures = 0
            return Self.decode(keyCode: Int32(character)).map(TerminalInput.key) ?? .idle
        default:
            if Self.inputHungUp() { return .gone }
            instantFailures = ContinuousClock.now - started < .milliseconds(20) ? instantFailures + 1 : 0
            return instantFailures >= 50 ? .gone : .idle
        }
    }

    /// Standard input reports a hang-up or an error (the pseudo-terminal's other side closed).
    private static func inputHungUp() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        return descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    static func decode(character: wint_t) -> Key? {
        switch character {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(UInt8(character) + 96)))
        default: return Unicode.Scalar(character).map { .character(Character($0)) }
        }
    }

    static func decode(keyCode: Int32) -> Key? {
        switch keyCode {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_ENTER: .enter
        case KEY_BTAB: .backTab
        case KEY_BACKSPACE: .backspace
        case KEY_RESIZE: .resize
        case KEY_F0 + 1...KEY_F0 + 12: .function(Int(keyCode - KEY_F0))
        default: nil
        }
    }

    /// Copies the canvas to the screen. No clear per frame: ncurses sends only what changed.
    func draw(_ canvas: Canvas) {
        werase(window)
        var cell = cchar_t()
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let source = canvas[x, y]
                let style = styles[source.slot]!
                var wide = Array(source.character.unicodeScalars.prefix(1).map { wchar_t(bitPattern: $0.value) }) + [0]
                if !unicode && !source.character.isASCII { wide = [wchar_t(UInt8(ascii: "?")), 0] }
                setcchar(&cell, &wide, style.attributes, style.pair, nil)
                mvwadd_wch(window, Int32(y), Int32(x), &cell)
            }
        }
        wrefresh(window)
    }

    /// Ctrl-L: repaint everything from scratch on the next refresh.
    func repaintEverything() {
        clearok(window, true)
    }

    func close() {
        endwin()
        delscreen(screen)
        consoleFinished.store(true, ordering: .relaxed)
        TerminalRestore.releaseStandardError()
    }
}
