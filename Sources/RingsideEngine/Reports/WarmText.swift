import Foundation
import RingsideCore

/// A warm in words: the preview to confirm, a progress line, the final report.
public enum WarmText {
    public static func preview(_ preview: WarmPreview) -> String {
        var lines = [preview.summary]
        lines.append("  target  \(describe(preview.target))")
        for source in preview.sources { lines.append("  source  \(describe(source))") }
        if let selection = preview.selection {
            lines.append("  moves   \(Format.percent(selection.movedFraction)) of the key space onto \(selection.target); only those keys are copied, from their current owners")
        }
        if let expected = preview.expectedKeys { lines.append("  keys    about \(expected) to read") }
        let settings = preview.settings
        var limits = ["batches of \(settings.batchSize)", "\(settings.depth) in flight", "keys over \(Format.bytes(UInt64(settings.maxKeyBytes))) skipped"]
        if let rate = settings.keysPerSecond { limits.append("at most \(Format.rate(rate)) keys/s") }
        if let rate = settings.bytesPerSecond { limits.append("at most \(Format.bytes(UInt64(rate)))/s") }
        lines.append("  limits  " + limits.joined(separator: ", "))
        lines.append(preview.target.kind == .redis
            ? "  writes  RESTORE without REPLACE: a key the target already holds keeps its value; TTLs kept"
            : "  writes  ms in add mode (ME): a key the target already holds keeps its value; flags and TTLs kept")
        if let reason = preview.readOnlyBecause { lines.append("  read-only (\(reason)): nothing will be written") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describe(_ node: WarmPreview.Node) -> String {
        "\(node.name) (\(node.kind.rawValue) \(node.address)): " + (node.items.map { "\($0) items" } ?? "unreadable: \(node.problem ?? "?")")
    }

    /// `copied 12000 · present 3 · expired 1 · too big 0 · failed 0 · 1.2 MiB`.
    public static func summaryLine(_ report: WarmReport) -> String {
        counts(report.counts, dryRun: report.dryRun) + " in " + seconds(report.durationSeconds)
    }

    public static func counts(_ counts: WarmCounts, dryRun: Bool) -> String {
        var parts = ["\(dryRun ? "would copy" : "copied") \(counts.copied)", "already present \(counts.alreadyPresent)", "expired \(counts.expired)",
                     "too big \(counts.tooBig)", "failed \(counts.failed)", Format.bytes(UInt64(max(0, counts.bytes)))]
        if counts.notSelected > 0 { parts.insert("not moving \(counts.notSelected)", at: 0) }
        return "scanned \(counts.scanned): " + parts.joined(separator: ", ")
    }

    /// One line of progress for a log or a terminal that is not one.
    public static func progressLine(_ progress: WarmProgress) -> String {
        let done = progress.fraction.map { "\(Format.wholePercent($0)) " } ?? ""
        return "\(done)\(counts(progress.counts, dryRun: false)) · \(pace(progress))"
    }

    /// `35.1k keys/s · ETA 6.00s`: the rate so far and, when the total is known, the time left at that rate.
    public static func pace(_ progress: WarmProgress) -> String {
        let rate = progress.elapsedSeconds > 0 ? Double(progress.counts.settled) / progress.elapsedSeconds : 0
        var line = "\(Format.rate(rate)) keys/s"
        if let fraction = progress.fraction, fraction > 0, fraction < 1 {
            line += " · ETA \(seconds(progress.elapsedSeconds * (1 - fraction) / fraction))"
        }
        return line
    }

    /// `[#####-----]` of `width` cells inside the brackets.
    public static func bar(_ progress: WarmProgress, width: Int) -> String {
        let filled = Int(((progress.fraction ?? 0) * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }

    /// A progress bar of `width` cells for a terminal.
    public static func progressBar(_ progress: WarmProgress, width: Int = 30) -> String {
        bar(progress, width: width) + " " + progressLine(progress)
    }

    public static func report(_ report: WarmReport) -> String {
        var lines = ["\(report.dryRun ? "dry run: " : "")warm \(report.target) from \(report.sources.joined(separator: ", ")): \(report.outcome.rawValue)"]
        if let error = report.error { lines.append("  error   \(error)") }
        lines.append("  keys    " + counts(report.counts, dryRun: report.dryRun))
        lines.append("  rate    \(Format.rate(report.keysPerSecond)) keys/s, \(Format.bytes(UInt64(report.bytesPerSecond)))/s, \(seconds(report.durationSeconds))")
        if let verification = report.verification {
            lines.append("  check   \(verification.present) of \(verification.checked) written keys read back on \(report.target)")
        }
        for problem in report.problems { lines.append("  skipped \(problem.key): \(problem.reason)") }
        if report.dryRun { lines.append("  nothing was written") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2fs", value) : value < 600 ? String(format: "%.0fs", value) : String(format: "%dm%02ds", Int(value) / 60, Int(value) % 60)
    }
}

/// `ringside rebalance --json`: schema `ringside.rebalance/1`. Every step that ran, in order; `heldBack` says why
/// the ring was not changed when it was not.
public struct RebalanceOutput: Encodable {
    public var schema = "ringside.rebalance/1"
    public var plan: RingPlanReport
    public var warms: [WarmReport]
    @Nullable public var coverage: WarmCoverage?
    @Nullable public var heldBack: String?
    public var preview: ActionPreview
    public var reports: [ActionReport]

    public init(plan: RingPlanReport, warms: [WarmReport], coverage: WarmCoverage?, heldBack: String?, preview: ActionPreview, reports: [ActionReport]) {
        self.plan = plan
        self.warms = warms
        self.coverage = coverage
        self.heldBack = heldBack
        self.preview = preview
        self.reports = reports
    }
}
