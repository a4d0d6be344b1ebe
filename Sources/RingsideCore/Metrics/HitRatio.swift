/// Hit ratios computed the only correct way: from counts, never by averaging percentages.
public enum HitRatio {
    /// hits / (hits + misses), or `nil` when there were no reads (shown as "—", never as 0%).
    public static func of(hits: UInt64?, misses: UInt64?) -> Double? {
        guard let hits, let misses, hits + misses > 0 else { return nil }
        return Double(hits) / Double(hits + misses)
    }
}

/// Sums of interval deltas over several nodes (a pool, or the whole fleet).
public struct IntervalTotals: Sendable, Equatable {
    public var hits: UInt64 = 0
    public var misses: UInt64 = 0
    public var opsPerSecond: Double = 0
    public var evictionsPerSecond: Double = 0
    /// Nodes whose interval was valid this tick; the others (down, reset, first poll) are left out of every sum.
    public var contributingNodes: Int = 0

    public init() {}

    /// Σ Δhits / Σ (Δhits + Δmisses) over the contributing nodes.
    public var hitRatio: Double? { HitRatio.of(hits: hits, misses: misses) }

    public init<S: Sequence>(_ intervals: S) where S.Element == CacheInterval {
        for interval in intervals { add(interval) }
    }

    public mutating func add(_ interval: CacheInterval) {
        contributingNodes += 1
        hits += interval.hits ?? 0
        misses += interval.misses ?? 0
        opsPerSecond += interval.opsPerSecond ?? 0
        evictionsPerSecond += interval.evictionsPerSecond ?? 0
    }
}
