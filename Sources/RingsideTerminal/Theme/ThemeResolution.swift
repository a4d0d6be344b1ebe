/// A slot's look on one terminal: colour numbers for an ncurses pair (-1 = the terminal's own) and attributes.
public struct ResolvedLook: Sendable, Equatable {
    public var foreground: Int16
    public var background: Int16
    public var attributes: [ThemeAttribute]
}

/// How many colours the terminal can show; monochrome also under NO_COLOR and --no-color.
public enum ColorDepth: Sendable, Equatable {
    case monochrome, ansi8, ansi16, palette256

    public init(colors: Int, monochrome: Bool) {
        self = monochrome || colors < 8 ? .monochrome : colors < 16 ? .ansi8 : colors < 256 ? .ansi16 : .palette256
    }
}

extension Theme {
    /// The look of `slot` at `depth`: 256-colour and hex colours step down to the nearest of 256, then of 16,
    /// then of 8 (bright colours become bold); monochrome uses the slot's `mono` attributes only.
    public func resolve(_ slot: Slot, depth: ColorDepth) -> ResolvedLook {
        let look = look(slot)
        switch depth {
        case .monochrome:
            return ResolvedLook(foreground: -1, background: -1, attributes: look.mono)
        case .palette256:
            return ResolvedLook(foreground: Self.index256(look.foreground), background: Self.index256(look.background), attributes: look.attributes)
        case .ansi16, .ansi8:
            let (fg, bg) = look.ansi16 ?? (look.foreground, look.background)
            var foreground = Self.index16(fg), background = Self.index16(bg)
            var attributes = look.attributes
            if depth == .ansi8 {
                if foreground >= 8 {
                    foreground -= 8
                    if !attributes.contains(.bold) { attributes.append(.bold) }
                }
                if background >= 8 { background -= 8 }
            }
            return ResolvedLook(foreground: foreground, background: background, attributes: attributes)
        }
    }

    static func index256(_ colour: ThemeColor) -> Int16 {
        switch colour {
        case .terminal: -1
        case let .ansi(index), let .indexed(index): Int16(index)
        case let .rgb(r, g, b): Int16(nearest(r, g, b, among: palette256))
        }
    }

    static func index16(_ colour: ThemeColor) -> Int16 {
        switch colour {
        case .terminal: -1
        case let .ansi(index): Int16(index)
        case let .indexed(index) where index < 16: Int16(index)
        case let .indexed(index): Int16(nearest(palette256[index].0, palette256[index].1, palette256[index].2, among: Array(palette256.prefix(16))))
        case let .rgb(r, g, b): Int16(nearest(r, g, b, among: Array(palette256.prefix(16))))
        }
    }

    private static func nearest(_ r: UInt8, _ g: UInt8, _ b: UInt8, among palette: [(UInt8, UInt8, UInt8)]) -> Int {
        func distance(_ c: (UInt8, UInt8, UInt8)) -> Int {
            let dr = Int(c.0) - Int(r), dg = Int(c.1) - Int(g), db = Int(c.2) - Int(b)
            return dr * dr + dg * dg + db * db
        }
        return palette.indices.min { distance(palette[$0]) < distance(palette[$1]) }!
    }

    /// xterm's 256 colours: the 16 ANSI defaults, the 6×6×6 cube, the 24 greys.
    static let palette256: [(UInt8, UInt8, UInt8)] = {
        var colours: [(UInt8, UInt8, UInt8)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
            (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
        for r in levels { for g in levels { for b in levels { colours.append((r, g, b)) } } }
        for step in 0..<24 { let grey = UInt8(8 + step * 10); colours.append((grey, grey, grey)) }
        return colours
    }()
}
