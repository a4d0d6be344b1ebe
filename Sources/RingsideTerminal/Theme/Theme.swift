import RingsideCore
import Yams

/// A colour as a theme writes it.
public enum ThemeColor: Sendable, Equatable {
    /// The terminal's own foreground or background (`default`).
    case terminal
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
    case ansi(Int)
    /// An xterm 256-colour index.
    case indexed(Int)
    /// `#rrggbb`.
    case rgb(UInt8, UInt8, UInt8)

    static let ansiNames = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// `default`, an ANSI name, a 0–255 index or `#rrggbb`.
    static func parse(_ text: String) -> ThemeColor? {
        if text == "default" { return .terminal }
        if let index = ansiNames.firstIndex(of: text.lowercased()) { return .ansi(index) }
        if let index = Int(text), (0...255).contains(index) { return .indexed(index) }
        if text.hasPrefix("#"), text.count == 7, let value = UInt32(text.dropFirst(), radix: 16) {
            return .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xff), UInt8(value & 0xff))
        }
        return nil
    }
}

/// Text attributes, also what monochrome terminals get instead of colour.
public enum ThemeAttribute: String, Sendable, CaseIterable {
    case bold, dim, reverse, underline
}

/// How one slot looks at each colour depth.
public struct SlotLook: Sendable, Equatable {
    public var foreground: ThemeColor = .terminal
    public var background: ThemeColor = .terminal
    public var attributes: [ThemeAttribute] = []
    /// The look on a 16/8-colour terminal; derived from the colours when the theme gives none.
    public var ansi16: (foreground: ThemeColor, background: ThemeColor)?
    /// Attributes on a monochrome terminal or under NO_COLOR.
    public var mono: [ThemeAttribute] = []

    public static func == (a: SlotLook, b: SlotLook) -> Bool {
        a.foreground == b.foreground && a.background == b.background && a.attributes == b.attributes && a.mono == b.mono
            && a.ansi16?.foreground == b.ansi16?.foreground && a.ansi16?.background == b.ansi16?.background
    }
}

/// A theme: a look for every slot. Slots a theme does not mention keep the default theme's look.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var looks: [Slot: SlotLook]

    public func look(_ slot: Slot) -> SlotLook { looks[slot] ?? Theme.builtInDefault.looks[slot] ?? SlotLook() }

    /// The names slots have in theme files.
    public static let slotNames: [Slot: String] = [
        .body: "body", .header: "header", .badge: "badge", .title: "title", .tableHeader: "table.header", .cursor: "cursor",
        .ok: "status.ok", .warn: "status.warn", .critical: "status.crit", .stale: "status.stale", .dim: "dim", .bar: "bar",
        .barEmpty: "bar.empty", .sparkline: "sparkline", .hintKey: "hint.key", .hintText: "hint.text", .dialog: "dialog",
        .ring1: "ring.1", .ring2: "ring.2", .ring3: "ring.3", .ring4: "ring.4", .ring5: "ring.5", .ring6: "ring.6",
    ]
}
