import RingsideCore
import RingsideEngine

/// The confirmation dialog, drawn over the screen in a box: the preview's lines, the warnings, then
/// [ Cancel ] [ Apply ] with Cancel chosen until Tab moves to Apply.
enum ActionDialogView {
    /// `text` in lines of at most `width` columns, broken at spaces (a word longer than the width is cut); a
    /// continuation keeps the first line's indentation and two more spaces. The spaces between words on a line
    /// stay as they were (`  writes  RESTORE …` keeps its column).
    static func wrapped(_ text: String, width: Int) -> [String] {
        guard text.columns > width, width > 8 else { return [text] }
        let leading = String(text.prefix { $0 == " " }), indent = leading + "  "
        // Each word with the run of spaces before it.
        var pieces: [(gap: String, word: String)] = []
        var gap = "", word = ""
        for character in text.dropFirst(leading.count) {
            if character == " " {
                if !word.isEmpty { pieces.append((gap, word)); (gap, word) = ("", "") }
                gap.append(character)
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { pieces.append((gap, word)) }
        var lines: [String] = [], line = leading
        for (index, piece) in pieces.enumerated() {
            let candidate = index == 0 ? line + piece.word : line + piece.gap + piece.word
            if candidate.columns > width && line.trimmingCharacters(in: .whitespaces).count > 0 {
                lines.append(line)
                line = indent + piece.word
            } else {
                line = candidate
            }
        }
        lines.append(line)
        return lines
    }

    static func draw(_ canvas: inout Canvas, _ dialog: ActionDialog, glyphs: Glyphs) {
        let width = min(canvas.width - 4, 100)
        var body: [(String, Slot)] = []
        let title: String
        switch dialog.phase {
        case let .reading(action):
            title = action.summary
            body = [("reading its balancers for the preview…", .dim)]
        case let .planning(what):
            title = what
            body = [("reading the ring for the plan…", .dim)]
        case let .failed(failedTitle, reason):
            title = failedTitle
            body = [(reason, .critical), ("", .body), ("Esc closes", .dim)]
        case let .choosingWarm(node):
            title = "warm \(node)"
            body = WarmAskKind.allCases.map { ("\($0.rawValue)  \($0.explanation)", .body) } + [("", .body), ("Esc closes", .dim)]
        case let .preparingWarm(what):
            title = what
            body = [("reading the nodes for the preview…", .dim)]
        case let .warming(shown):
            title = shown.value.summary
            body = WarmText.preview(shown.value).split(separator: "\n").dropFirst().map { line in
                (String(line), line.contains("read-only") ? .warn : line.contains("unreadable") ? .critical : .body)
            }
            body += [("", .body), ("the progress shows on the jobs screen (J); x there cancels", .dim), ("", .body)]
        case let .warmingThenApplying(shown):
            title = shown.value.title
            body = shown.value.ringPlan.split(separator: "\n").prefix(8).map { (String($0), Slot.dim) } + [("", .body)]
            body += shown.value.warms.isEmpty ? [("nothing to warm: the change moves no keys", .body)] : shown.value.warms.flatMap { warm in
                // What each warm reads and how much: the summary, its sources, the key count; the limits and
                // write rules are the same for all and in `ringside warm --help`.
                WarmText.preview(warm).split(separator: "\n").map(String.init)
                    .filter { $0.hasPrefix("warm ") || $0.hasPrefix("  source") || $0.hasPrefix("  keys") || $0.contains("read-only") }
                    .map { ($0, $0.contains("read-only") ? Slot.warn : .body) }
            }
            body += [("", .body), ("then the ring change, confirmed again once the warms are complete:", .dim)]
            body += ActionText.preview(shown.value.shift).split(separator: "\n").dropFirst().prefix(4).map { (String($0), .body) }
            body += [("", .body), ("the warms show on the jobs screen (J); x there cancels, and the ring stays as it is", .dim), ("", .body)]
        case let .previewing(preview):
            title = preview.action.summary
            body = (dialog.ringPlan ?? "").split(separator: "\n").prefix(8).map { (String($0), Slot.dim) }
            body += ActionText.preview(preview).split(separator: "\n").dropFirst().map { line in
                (String(line), line.contains("warning:") ? .warn : line.contains("cannot") ? .critical : .body)
            }
            body.append(("", .body))
            if dialog.thenMaint && preview.alreadyInEffect {
                body.append(("already draining: Apply waits for its sessions and queue to end, then puts it in maintenance", .body))
            }
            if !dialog.hasWork {
                body.append(("nothing to send" + (preview.alreadyInEffect ? ": already in effect" : "") + "   Esc closes", .dim))
            } else {
                if let name = dialog.nameToType {
                    body.append(("this lands on \(preview.members.count) balancers: type '\(name)' to allow Apply: \(dialog.typed)_", .warn))
                }
                body.append(("", .body))
            }
        }
        // Long lines (warnings in HAProxy's words, reasons) wrap at words rather than being cut.
        body = body.flatMap { line in wrapped(line.0, width: width - 4).map { ($0, line.1) } }
        let height = min(canvas.height - 2, body.count + 4)
        let left = (canvas.width - width) / 2, top = max(1, (canvas.height - height) / 2)
        // A frame, so the dialog reads as one thing over the screen (ASCII mode turns it into + - |).
        let rule = String(repeating: "─", count: width - 2)
        canvas.put("┌" + rule + "┐", x: left, y: top, slot: .dialog)
        for y in (top + 1)..<(top + height - 1) {
            canvas.put(String(glyphs.vertical) + String(repeating: " ", count: width - 2) + String(glyphs.vertical), x: left, y: y, slot: .dialog)
        }
        canvas.put("└" + rule + "┘", x: left, y: top + height - 1, slot: .dialog)
        canvas.put(" \(title) ".fitted(to: width - 4, ellipsis: glyphs.ellipsis), x: left + 2, y: top, slot: .dialog)
        for (row, line) in body.prefix(height - 3).enumerated() {
            canvas.put(" " + line.0, x: left + 1, y: top + 1 + row, slot: line.1 == .body ? .dialog : line.1, maxWidth: width - 3)
        }
        if dialog.hasWork {
            let y = top + height - 2
            let cancel = "[ Cancel ]", apply = dialog.canApply ? "[ Apply ]" : "( Apply )"
            var x = left + 3
            x += canvas.put(cancel, x: x, y: y, slot: dialog.applyChosen ? .dialog : .cursor)
            x += canvas.put("  ", x: x, y: y, slot: .dialog)
            x += canvas.put(apply, x: x, y: y, slot: dialog.applyChosen ? .cursor : .dialog)
            canvas.put("   Tab switches · Enter confirms · Esc cancels", x: x, y: y, slot: .dialog, maxWidth: max(0, left + width - 1 - x))
        }
    }
}
