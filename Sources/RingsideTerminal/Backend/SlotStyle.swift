import CNCurses

/// How a slot looks: a foreground and background from the 8/16 ANSI colours (-1 = the terminal's own), bold,
/// and the attributes used instead of colour on monochrome terminals and under NO_COLOR.
struct SlotStyle {
    enum Attribute { case normal, bold, dim, reverse, underline }

    var foreground: Int16
    var background: Int16 = -1
    var bold = false
    var mono: [Attribute]

    /// The built-in default theme: colour-blind safe (healthy is cyan/blue, never green against red), and every
    /// state also has a word on screen.
    static func builtIn(_ slot: Slot) -> SlotStyle {
        switch slot {
        case .body: SlotStyle(foreground: -1, mono: [.normal])
        case .header: SlotStyle(foreground: Int16(COLOR_WHITE), background: Int16(COLOR_BLUE), bold: true, mono: [.reverse])
        case .badge: SlotStyle(foreground: Int16(COLOR_BLACK), background: Int16(COLOR_YELLOW), bold: true, mono: [.bold, .underline])
        case .title: SlotStyle(foreground: Int16(COLOR_CYAN), bold: true, mono: [.bold])
        case .tableHeader: SlotStyle(foreground: -1, bold: true, mono: [.underline])
        case .cursor: SlotStyle(foreground: Int16(COLOR_BLACK), background: Int16(COLOR_CYAN), mono: [.reverse])
        case .ok: SlotStyle(foreground: Int16(COLOR_CYAN), mono: [.normal])
        case .warn: SlotStyle(foreground: Int16(COLOR_YELLOW), bold: true, mono: [.bold])
        case .critical: SlotStyle(foreground: Int16(COLOR_RED), bold: true, mono: [.bold, .reverse])
        case .stale, .dim: SlotStyle(foreground: -1, mono: [.dim])
        case .bar: SlotStyle(foreground: Int16(COLOR_BLUE), bold: true, mono: [.normal])
        case .barEmpty: SlotStyle(foreground: -1, mono: [.dim])
        case .sparkline: SlotStyle(foreground: Int16(COLOR_CYAN), mono: [.normal])
        case .hintKey: SlotStyle(foreground: Int16(COLOR_BLACK), background: Int16(COLOR_CYAN), mono: [.reverse])
        case .hintText: SlotStyle(foreground: -1, mono: [.normal])
        case .dialog: SlotStyle(foreground: Int16(COLOR_WHITE), background: Int16(COLOR_BLUE), mono: [.reverse])
        }
    }

    var monoAttributes: attr_t {
        mono.reduce(cn_a_normal()) { attributes, attribute in
            switch attribute {
            case .normal: attributes
            case .bold: attributes | cn_a_bold()
            case .dim: attributes | cn_a_dim()
            case .reverse: attributes | cn_a_reverse()
            case .underline: attributes | cn_a_underline()
            }
        }
    }
}
