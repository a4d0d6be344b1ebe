/// How much of what a ring change moves is already on its new owners: the figure `--min-coverage` holds a
/// shift back by. Keys that expired before they were read do not count either way (no client will ask for them);
/// keys too big to copy, and keys that failed, count as not warmed.
public struct WarmCoverage: Sendable, Equatable, Codable {
    /// Live keys that move: found on a losing node, owned by a gaining one after the change.
    public var moving: Int
    /// Of those, the ones the new owner now holds (copied, or already there).
    public var warmed: Int

    public init(moving: Int, warmed: Int) {
        self.moving = moving
        self.warmed = warmed
    }

    public init(_ reports: [WarmReport]) {
        var counts = WarmCounts()
        for report in reports { counts.add(report.counts) }
        self.init(moving: counts.copied + counts.alreadyPresent + counts.tooBig + counts.failed, warmed: counts.copied + counts.alreadyPresent)
    }

    /// 1 when nothing moves: there is nothing to be cold.
    public var fraction: Double { moving == 0 ? 1 : Double(warmed) / Double(moving) }

    /// `95%` or `0.95` (a share), as `--min-coverage` takes it.
    public static func parseShare(_ text: String) -> Double? {
        let percent = text.hasSuffix("%")
        guard let value = Double(percent ? String(text.dropLast()) : text), value.isFinite else { return nil }
        let share = percent || value > 1 ? value / 100 : value
        return (0...1).contains(share) ? share : nil
    }
}
