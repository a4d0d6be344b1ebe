/// The characters views draw with: Unicode where the terminal has UTF-8, plain ASCII otherwise (`LANG=C`,
/// `--ascii`, screen readers). Every glyph is one column wide.
public struct Glyphs: Sendable, Equatable {
    public var vertical: Character
    public var ellipsis: Character
    /// Sparkline levels, lowest first.
    public var sparkline: [Character]
    public var barFull: Character
    public var barEmpty: Character
    public var sortAscending: Character
    public var sortDescending: Character
    public var cursor: Character
    public var ascii: Bool

    public static let unicode = Glyphs(
        vertical: "│", ellipsis: "…", sparkline: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], barFull: "█",
        barEmpty: "░", sortAscending: "▲", sortDescending: "▼", cursor: "▶", ascii: false)

    public static let plain = Glyphs(
        vertical: "|", ellipsis: "~", sparkline: ["_", ".", "-", "=", "^"], barFull: "#", barEmpty: ".",
        sortAscending: "^", sortDescending: "v", cursor: ">", ascii: true)

    /// A sparkline of `values` (fractions 0…1; `nil` is a gap) in `width` columns, newest at the right.
    public func sparkline<Values: BidirectionalCollection<Double?>>(_ values: Values, width: Int) -> String {
        let recent = values.suffix(width)
        let line = recent.map { value -> Character in
            guard let value else { return " " }
            let level = Int((min(max(value, 0), 1) * Double(sparkline.count - 1)).rounded())
            return sparkline[level]
        }
        return String(repeating: " ", count: max(0, width - recent.count)) + String(line)
    }

    /// A bar `width` columns wide, filled to `fraction`.
    public func bar(_ fraction: Double, width: Int) -> (filled: String, empty: String) {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded())
        return (String(repeating: barFull, count: filled), String(repeating: barEmpty, count: width - filled))
    }
}
