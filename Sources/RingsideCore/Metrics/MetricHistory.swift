import DequeModule

/// A bounded series of recent values, oldest first; the oldest value falls off when full.
///
/// `nil` entries are kept on purpose: a poll that gave no value (node down, counter reset) is a gap in a chart,
/// not a zero.
public struct BoundedSeries: Sendable, Equatable {
    public let capacity: Int
    public private(set) var values: Deque<Double?>

    public init(capacity: Int) {
        precondition(capacity > 0, "a series needs room for at least one value")
        self.capacity = capacity
        self.values = Deque(minimumCapacity: capacity)
    }

    public mutating func append(_ value: Double?) {
        if values.count == capacity { values.removeFirst() }
        values.append(value)
    }

    public var last: Double? { values.last ?? nil }
}

/// The per-node history the console charts: one series per metric, one value per poll.
public struct NodeHistory: Sendable, Equatable {
    /// One hour at one poll a second.
    public static let defaultCapacity = 3600

    public private(set) var hitRatio: BoundedSeries
    /// Δhits + Δmisses per interval: the weights that turn per-interval hit ratios back into exact ratios over
    /// longer windows (Σ hits / Σ reads, never a mean of percentages).
    public private(set) var reads: BoundedSeries
    public private(set) var opsPerSecond: BoundedSeries
    public private(set) var evictionsPerSecond: BoundedSeries
    public private(set) var memoryFraction: BoundedSeries
    public private(set) var latencySeconds: BoundedSeries

    public init(capacity: Int = NodeHistory.defaultCapacity) {
        hitRatio = BoundedSeries(capacity: capacity)
        reads = BoundedSeries(capacity: capacity)
        opsPerSecond = BoundedSeries(capacity: capacity)
        evictionsPerSecond = BoundedSeries(capacity: capacity)
        memoryFraction = BoundedSeries(capacity: capacity)
        latencySeconds = BoundedSeries(capacity: capacity)
    }

    /// Records one poll; `interval` is `nil` on the first poll, after a reset and while the node is down.
    public mutating func record(interval: CacheInterval?, gauges: CacheGauges?, latency: Duration?) {
        hitRatio.append(interval?.hitRatio)
        reads.append(interval.flatMap { interval in interval.hits.flatMap { h in interval.misses.map { Double(h + $0) } } })
        opsPerSecond.append(interval?.opsPerSecond)
        evictionsPerSecond.append(interval?.evictionsPerSecond)
        memoryFraction.append(gauges?.memoryFraction)
        latencySeconds.append(latency?.secondsDouble)
    }
}

/// Recent history squeezed into a chart's columns.
public enum ChartWindow {
    /// `values` (oldest first) in `columns` buckets, the newest bucket last, each the mean of its values (rates
    /// over equal intervals average exactly); `nil` where a bucket has no value.
    public static func means<Values: Collection<Double?>>(_ values: Values, columns: Int) -> [Double?] {
        let values = Array(values)
        return buckets(values.count, columns: columns).map { range in
            let present = values[range].compactMap { $0 }
            return present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
        }
    }

    /// Hit ratios per bucket weighted by reads: Σ(ratio × reads) / Σ reads, i.e. Σ hits / Σ reads.
    public static func hitRatios<Values: Collection<Double?>>(_ ratios: Values, reads: Values, columns: Int) -> [Double?] {
        let count = min(ratios.count, reads.count)
        let ratios = Array(ratios.suffix(count)), reads = Array(reads.suffix(count))
        return buckets(count, columns: columns).map { range in
            var hits = 0.0, total = 0.0
            for index in range {
                guard let ratio = ratios[index], let weight = reads[index] else { continue }
                hits += ratio * weight
                total += weight
            }
            return total > 0 ? hits / total : nil
        }
    }

    /// `count` positions split into at most `columns` consecutive ranges, the last ending at `count`.
    private static func buckets(_ count: Int, columns: Int) -> [Range<Int>] {
        guard count > 0, columns > 0 else { return [] }
        let size = max(1, Int((Double(count) / Double(columns)).rounded(.up)))
        return stride(from: count, to: 0, by: -size).map { max(0, $0 - size)..<$0 }.reversed()
    }
}
