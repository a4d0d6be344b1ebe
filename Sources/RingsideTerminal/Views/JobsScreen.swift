import Foundation
import RingsideCore
import RingsideEngine

/// The warms this console started, newest first: a progress bar while one runs (keys, bytes, rate, ETA), its
/// report once it is done. The audit log keeps every one; this is the live view.
enum JobsScreen {
    /// The jobs in the order they are drawn (and the cursor moves over them): newest first.
    static func ordered(_ jobs: [WarmJobBoard.Job]) -> [WarmJobBoard.Job] { jobs.reversed() }

    /// Skipped keys shown under a finished job; the report in the audit log and `ringside warm` has them all.
    static let problemsShown = 3

    /// A job's lines: its title and state, then its progress or its report.
    static func lines(_ job: WarmJobBoard.Job, width: Int, clock: DateFormatter) -> [(text: String, slot: Slot)] {
        var lines: [(String, Slot)] = []
        let state: String, slot: Slot
        if let report = job.report {
            state = report.outcome.rawValue + (report.counts.failed > 0 ? " with \(report.counts.failed) failed" : "")
            slot = report.outcome == .complete && report.counts.failed == 0 ? .ok : report.outcome == .cancelled ? .warn : .critical
        } else {
            (state, slot) = job.cancelling ? ("cancelling…", .warn) : ("running", .body)
        }
        lines.append((" \(clock.string(from: job.startedAt))  \(job.title)  \(state)", slot))
        if let report = job.report {
            let text = WarmText.report(report).split(separator: "\n").dropFirst().map(String.init)
            let problems = text.filter { $0.hasPrefix("  skipped") }
            for line in text where !line.hasPrefix("  skipped") {
                lines.append(("   " + line.trimmingCharacters(in: .whitespaces), line.hasPrefix("  error") ? .critical : .dim))
            }
            for line in problems.prefix(problemsShown) { lines.append(("   " + line.trimmingCharacters(in: .whitespaces), .warn)) }
            if problems.count > problemsShown { lines.append(("   … \(problems.count - problemsShown) more skipped keys in the audit log", .dim)) }
        } else if let progress = job.progress {
            // The figures an operator watches first (share, keys, rate, ETA) on the bar's line; the counts below.
            let done = progress.fraction.map { " \(Format.wholePercent($0))" } ?? ""
            let of = progress.expectedKeys.map { " of about \($0)" } ?? ""
            lines.append(("   " + WarmText.bar(progress, width: max(10, min(30, width / 5))) + "\(done)  \(progress.counts.scanned)\(of) keys · "
                + "\(Format.bytes(UInt64(max(0, progress.counts.bytes)))) · \(WarmText.pace(progress))", .body))
            lines.append(("   " + WarmText.counts(progress.counts, dryRun: false), .dim))
        } else {
            lines.append(("   under way: no batch has finished yet (connecting, reading, or waiting on --rate)", .dim))
        }
        return lines
    }

    static func draw(_ canvas: inout Canvas, jobs: [WarmJobBoard.Job], state: ConsoleState, rows: Range<Int>) {
        let running = jobs.filter(\.isRunning).count
        canvas.put(" JOBS \(jobs.count) (\(running) running)  newest first · x cancels · all in the audit log", x: 0, y: rows.lowerBound, slot: .title, maxWidth: canvas.width)
        guard !jobs.isEmpty else {
            canvas.put(" no warms yet: W on a cache node (overview or its detail), or :warm NODE --from SOURCE", x: 0, y: rows.lowerBound + 1, slot: .dim, maxWidth: canvas.width)
            return
        }
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm:ss"
        var drawn: [(text: String, slot: Slot)] = []
        var selectedLine = 0
        for (index, job) in ordered(jobs).enumerated() {
            if index == state.selection { selectedLine = drawn.count }
            var block = lines(job, width: canvas.width, clock: clock)
            if index == state.selection { block[0].slot = .cursor }
            // At 80 columns a progress line is longer than the screen: it wraps, so the rate and ETA stay in sight.
            block = block.flatMap { line in ActionDialogView.wrapped(line.text, width: canvas.width - 1).map { ($0, line.slot) } }
            drawn += block + [("", .body)]
        }
        let visible = rows.count - 1
        // The selected job's title stays on the screen; below it as much of its block as fits.
        let offset = max(0, min(selectedLine, drawn.count - visible))
        for (row, line) in drawn.dropFirst(offset).prefix(visible).enumerated() {
            canvas.put(line.text, x: 0, y: rows.lowerBound + 1 + row, slot: line.slot, maxWidth: canvas.width)
        }
    }
}
