import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// The ncurses backend: owns the screen, reads keys and copies canvases out. Every curses call happens on the
/// thread that created it (the console loop).
final class CursesTerminal {
    enum StartError: Error, CustomStringConvertible {
        case unusableTerminal(String)

        var description: String {
            switch self {
            case let .unusableTerminal(term):
                "cannot run the console on TERM=\(term.isEmpty ? "(unset)" : term); try TERM=xterm-256color, or use 'ringside status'"
            }
        }
    }

    let unicode: Bool
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
        TerminalRestore.install()
        guard let screen = cn_newterm(nil) else { throw StartError.unusableTerminal(term) }
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
        let depth = ColorDepth(colors: has_colors() ? Int(cn_colors()) : 0, monochrome: monochrome)
        if depth != .monochrome {
            start_color()
            use_default_colors()
        }
        for (index, slot) in Slot.allCases.enumerated() {
            let look = theme.resolve(slot, depth: depth)
            if depth != .monochrome { init_pair(Int16(index + 1), look.foreground, look.background) }
            styles[slot] = (depth == .monochrome ? 0 : Int16(index + 1), Self.attributes(look.attributes))
        }
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

    /// The next key, or `nil` after 100 ms without one.
    func readKey() -> Key? {
        var character: wint_t = 0
        switch wget_wch(window, &character) {
        case OK: return Self.decode(character: character)
        case KEY_CODE_YES: return Self.decode(keyCode: Int32(character))
        default: return nil
        }
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
    }
}
