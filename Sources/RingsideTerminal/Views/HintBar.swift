/// The bottom row: key hints from the keymap, most important first, dropping what does not fit; or the filter
/// prompt while a filter is being typed.
enum HintBar {
    static func draw(_ canvas: inout Canvas, state: ConsoleState, y: Int) {
        canvas.fill(row: y, slot: .hintText)
        if let line = state.commandLine {
            let x = canvas.put(" :", x: 0, y: y, slot: .hintKey)
            let hint = "   " + (state.commandHint ?? "Enter run  Esc cancel  (:help lists commands)")
            let room = canvas.width - x - 2
            // The end of a long line is where the typing is: show that, and the hints only while they fit.
            let typed = line.columns + 1 <= room - hint.columns ? line + "_" + hint
                : line.columns + 1 <= room ? line + "_"
                : "…" + String(String.UnicodeScalarView(line.unicodeScalars.suffix(max(0, room - 2)))) + "_"
            canvas.put(" " + typed, x: x, y: y, slot: .hintText)
            return
        }
        if let message = state.message ?? state.actionInProgress {
            canvas.put(" \(message)", x: 0, y: y, slot: .warn)
            return
        }
        if state.editingFilter {
            var x = canvas.put(" / ", x: 0, y: y, slot: .hintKey)
            x += canvas.put(" filter: \(state.filter)_", x: x, y: y, slot: .hintText)
            x += canvas.put("   Enter", x: x, y: y, slot: .hintKey)
            x += canvas.put(" apply  ", x: x, y: y, slot: .hintText)
            x += canvas.put("Esc", x: x, y: y, slot: .hintKey)
            canvas.put(" clear", x: x, y: y, slot: .hintText)
            return
        }
        // Quit and help first, then the screen's own keys, then the other global ones.
        let bound = KeyMap.bindings(on: state.screen.kind).filter { $0.hintPriority != nil }
        func rank(_ binding: KeyBinding) -> (Int, Int) {
            (binding.screen != nil ? 1 : binding.hintPriority! <= 1 ? 0 : 2, binding.hintPriority!)
        }
        let hints = bound.sorted { rank($0) < rank($1) }
        var x = 0
        for hint in hints {
            let width = hint.label.count + hint.hint.count + 3
            guard x + width <= canvas.width else { break }
            x += canvas.put(" \(hint.label)", x: x, y: y, slot: .hintKey)
            x += canvas.put(" \(hint.hint) ", x: x, y: y, slot: .hintText)
        }
    }
}
