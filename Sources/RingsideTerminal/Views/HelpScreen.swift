/// Every key and `:` command, generated from the keymap and command tables the dispatcher uses. The entries fill
/// as many columns as the width holds; when they are more than the screen's rows, j/k scroll.
enum HelpScreen {
    /// Narrower than this a column would cut most descriptions.
    static let minimumColumnWidth = 40

    static func entries(extraCommands: [(String, String)]) -> [(String, String)] {
        KeyMap.bindings.filter(\.listedInHelp).map { ($0.label, $0.description) }
            + CommandTable.commands.map { (":" + $0.usage, $0.description) } + extraCommands.map { (":" + $0.0, $0.1) }
    }

    /// As few columns as show every entry in `visibleRows`, each as wide as the screen allows; as many as fit
    /// when even that is not enough (then the rows scroll).
    static func layout(width: Int, visibleRows: Int, entries: Int) -> (columns: Int, rows: Int) {
        let needed = (entries + max(1, visibleRows) - 1) / max(1, visibleRows)
        let columns = max(1, min(width / minimumColumnWidth, needed))
        return (columns, (entries + columns - 1) / columns)
    }

    /// The help screen's rows below its title on a `height`-row terminal.
    static func visibleRows(height: Int) -> Int { max(1, height - 4) }

    /// How many rows the entries take (the scroll range).
    static func lineCount(width: Int, height: Int, extraCommands: [(String, String)]) -> Int {
        layout(width: width, visibleRows: visibleRows(height: height), entries: entries(extraCommands: extraCommands).count).rows
    }

    static func draw(_ canvas: inout Canvas, state: ConsoleState, extraCommands: [(String, String)], rows: Range<Int>) {
        let entries = entries(extraCommands: extraCommands)
        let visible = max(1, rows.count - 2)
        let (columns, lines) = layout(width: canvas.width, visibleRows: visible, entries: entries.count)
        let offset = min(state.selection, max(0, lines - visible))
        let scrolls = lines > visible
        canvas.put(scrolls ? " HELP  (j/k scroll, \(offset + 1)-\(min(lines, offset + visible)) of \(lines) rows; ? or Esc returns)" : " HELP  (? or Esc returns)",
                   x: 0, y: rows.lowerBound, slot: .title)
        let columnWidth = canvas.width / columns
        // Key labels align; a longer `:` command pushes only its own description along.
        let labelWidth = (KeyMap.bindings.map(\.label.columns).max() ?? 4) + 2
        for (index, entry) in entries.enumerated() {
            let column = index / lines, row = index % lines - offset
            guard (0..<visible).contains(row) else { continue }
            let x = 1 + column * columnWidth, y = rows.lowerBound + 2 + row
            let width = max(labelWidth, entry.0.columns + 2)
            canvas.put(entry.0.leftAligned(width), x: x, y: y, slot: .hintKey)
            canvas.put(entry.1, x: x + width, y: y, slot: .body, maxWidth: max(0, min(columnWidth - width - 1, canvas.width - x - width)))
        }
    }
}
