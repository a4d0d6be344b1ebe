/// Every key, generated from the keymap the dispatcher uses.
enum HelpScreen {
    static func draw(_ canvas: inout Canvas, extraCommands: [(String, String)], rows: Range<Int>) {
        canvas.put(" HELP  (? or Esc returns)", x: 0, y: rows.lowerBound, slot: .title)
        let labelWidth = (KeyMap.bindings.map(\.label.count).max() ?? 4) + 2
        let perColumn = rows.count - 2
        let entries = KeyMap.bindings.filter(\.listedInHelp).map { ($0.label, $0.description) } + (ConsoleState.commands + extraCommands).map { (":" + $0.0, $0.1) }
        for (index, entry) in entries.enumerated() {
            let column = index / max(1, perColumn), row = index % max(1, perColumn)
            let x = 1 + column * (canvas.width / 2), y = rows.lowerBound + 2 + row
            let width = max(labelWidth, entry.0.columns + 2)
            canvas.put(entry.0.leftAligned(width), x: x, y: y, slot: .hintKey)
            canvas.put(entry.1, x: x + width, y: y, slot: .body, maxWidth: canvas.width / 2 - width - 1)
        }
    }
}
