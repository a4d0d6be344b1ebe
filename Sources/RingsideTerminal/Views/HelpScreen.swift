/// Every key, generated from the keymap the dispatcher uses.
enum HelpScreen {
    static func draw(_ canvas: inout Canvas, rows: Range<Int>) {
        canvas.put(" HELP  (? or Esc returns)", x: 0, y: rows.lowerBound, slot: .title)
        let labelWidth = (KeyMap.bindings.map(\.label.count).max() ?? 4) + 2
        let perColumn = rows.count - 2
        for (index, binding) in KeyMap.bindings.enumerated() {
            let column = index / max(1, perColumn), row = index % max(1, perColumn)
            let x = 1 + column * (canvas.width / 2), y = rows.lowerBound + 2 + row
            canvas.put(binding.label.leftAligned(labelWidth), x: x, y: y, slot: .hintKey)
            canvas.put(binding.description, x: x + labelWidth, y: y, slot: .body, maxWidth: canvas.width / 2 - labelWidth - 1)
        }
    }
}
