import RingsideCore
import Yams

/// Theme files (`themes/*.yaml`): a palette of named colours and a look per slot.
///
/// ```yaml
/// name: default
/// palette: { accent: "#5fafd7", alarm: red }
/// slots:
///   header: { fg: white, bg: blue, attrs: [bold], ansi16: { fg: white, bg: blue }, mono: [reverse] }
///   status.crit: { fg: alarm, attrs: [bold], mono: [bold, reverse] }
/// ```
/// A colour is `default` (the terminal's own), an ANSI name (`red`, `bright-cyan`), a 0–255 index, `#rrggbb`, or
/// a palette name. Mistakes name the file, the line and the slot.
public enum ThemeFile {
    public static func parse(_ text: String, file: String) throws -> Theme {
        let reader = YAMLReader(file: file)
        let root = try reader.root(of: text)
        let top = try reader.entries(reader.mapping(root, "a theme"), allowed: ["name", "description", "palette", "slots"], in: "the theme")
        var palette: [String: ThemeColor] = [:]
        if let entry = top["palette"] {
            for (key, value) in try reader.mapping(entry.value, "palette") {
                let name = try reader.string(key, "a palette name")
                guard let colour = ThemeColor.parse(try reader.string(value, "palette '\(name)'")) else {
                    throw reader.error(at: value, "palette '\(name)': not a colour (default, an ANSI name, 0-255 or #rrggbb)")
                }
                palette[name] = colour
            }
        }
        var theme = Theme(name: try top["name"].map { try reader.string($0.value, "name") } ?? file, looks: [:])
        let slotsByName = Dictionary(uniqueKeysWithValues: Theme.slotNames.map { ($0.value, $0.key) })
        guard let slots = top["slots"] else { throw reader.error(at: root, "a theme needs slots") }
        for (key, value) in try reader.mapping(slots.value, "slots") {
            let name = try reader.string(key, "a slot name")
            guard let slot = slotsByName[name] else {
                throw reader.error(at: key, "unknown slot '\(name)' (slots: \(Theme.slotNames.values.sorted().joined(separator: ", ")))")
            }
            theme.looks[slot] = try look(value, slot: name, palette: palette, reader: reader)
        }
        return theme
    }

    private static func look(_ node: Node, slot: String, palette: [String: ThemeColor], reader: YAMLReader) throws -> SlotLook {
        let entries = try reader.entries(reader.mapping(node, "slot '\(slot)'"), allowed: ["fg", "bg", "attrs", "ansi16", "mono"], in: "slot '\(slot)'")
        func colour(_ node: Node, _ what: String) throws -> ThemeColor {
            let text = try reader.string(node, what)
            guard let colour = palette[text] ?? ThemeColor.parse(text) else {
                throw reader.error(at: node, "slot '\(slot)': \(what) '\(text)' is not a colour or a palette name")
            }
            return colour
        }
        func attributes(_ node: Node, _ what: String) throws -> [ThemeAttribute] {
            try reader.sequence(node, "slot '\(slot)' \(what)").map { item in
                let text = try reader.string(item, what)
                guard let attribute = ThemeAttribute(rawValue: text) else {
                    throw reader.error(at: item, "slot '\(slot)': unknown attribute '\(text)' (bold, dim, reverse, underline)")
                }
                return attribute
            }
        }
        var look = SlotLook()
        if let e = entries["fg"] { look.foreground = try colour(e.value, "fg") }
        if let e = entries["bg"] { look.background = try colour(e.value, "bg") }
        if let e = entries["attrs"] { look.attributes = try attributes(e.value, "attrs") }
        if let e = entries["mono"] { look.mono = try attributes(e.value, "mono") }
        if let e = entries["ansi16"] {
            let fallback = try reader.entries(reader.mapping(e.value, "ansi16"), allowed: ["fg", "bg"], in: "slot '\(slot)' ansi16")
            look.ansi16 = (
                try fallback["fg"].map { try colour($0.value, "ansi16 fg") } ?? .terminal,
                try fallback["bg"].map { try colour($0.value, "ansi16 bg") } ?? .terminal
            )
        }
        return look
    }
}
