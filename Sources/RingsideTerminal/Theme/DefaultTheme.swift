extension Theme {
    /// The default theme, always available even when no theme file can be found: dark, colour-blind safe
    /// (healthy is blue/cyan, never green against red), every state also a word on screen. `themes/default.yaml`
    /// spells out the same theme (a test keeps the two equal).
    public static let builtInDefault = Theme(name: "default", looks: [
        .body: SlotLook(),
        .header: look("#ffffff", "#005f87", [.bold], ansi16: (.ansi(15), .ansi(4)), mono: [.reverse]),
        .badge: look("#000000", "#ffaf00", [.bold], ansi16: (.ansi(0), .ansi(3)), mono: [.bold, .underline]),
        .title: look("#5fafd7", nil, [.bold], ansi16: (.ansi(6), .terminal), mono: [.bold]),
        .tableHeader: look(nil, nil, [.bold, .underline], mono: [.underline]),
        .cursor: look("#000000", "#5fafd7", [], ansi16: (.ansi(0), .ansi(6)), mono: [.reverse]),
        .ok: look("#5fafd7", nil, [], ansi16: (.ansi(6), .terminal)),
        .warn: look("#ffaf00", nil, [.bold], ansi16: (.ansi(3), .terminal), mono: [.bold]),
        .critical: look("#ff5f5f", nil, [.bold], ansi16: (.ansi(1), .terminal), mono: [.bold, .reverse]),
        .stale: look("#808080", nil, [], ansi16: (.ansi(8), .terminal), mono: [.dim]),
        .dim: look("#808080", nil, [], ansi16: (.ansi(8), .terminal), mono: [.dim]),
        .bar: look("#0087d7", nil, [], ansi16: (.ansi(4), .terminal)),
        .barEmpty: look("#444444", nil, [], ansi16: (.ansi(8), .terminal), mono: [.dim]),
        .sparkline: look("#5fafd7", nil, [], ansi16: (.ansi(6), .terminal)),
        .hintKey: look("#000000", "#5fafd7", [], ansi16: (.ansi(0), .ansi(6)), mono: [.reverse]),
        .hintText: SlotLook(),
        .dialog: look("#ffffff", "#005f87", [], ansi16: (.ansi(15), .ansi(4)), mono: [.reverse]),
        // Ring owners on the Okabe–Ito palette (distinguishable with colour-blindness); letters tell them apart too.
        .ring1: look("#000000", "#e69f00", [], ansi16: (.ansi(0), .ansi(3)), mono: [.reverse]),
        .ring2: look("#000000", "#56b4e9", [], ansi16: (.ansi(0), .ansi(6))),
        .ring3: look("#000000", "#009e73", [], ansi16: (.ansi(0), .ansi(2)), mono: [.reverse]),
        .ring4: look("#000000", "#f0e442", [], ansi16: (.ansi(0), .ansi(11))),
        .ring5: look("#ffffff", "#0072b2", [], ansi16: (.ansi(15), .ansi(4)), mono: [.reverse]),
        .ring6: look("#000000", "#cc79a7", [], ansi16: (.ansi(0), .ansi(5))),
    ])

    private static func look(
        _ foreground: String?, _ background: String?, _ attributes: [ThemeAttribute],
        ansi16: (ThemeColor, ThemeColor)? = nil, mono: [ThemeAttribute] = []
    ) -> SlotLook {
        SlotLook(
            foreground: foreground.flatMap(ThemeColor.parse) ?? .terminal, background: background.flatMap(ThemeColor.parse) ?? .terminal,
            attributes: attributes, ansi16: ansi16.map { (foreground: $0.0, background: $0.1) }, mono: mono)
    }
}
