import DequeModule

/// A bounded series of recent values, oldest first; the oldest value falls off when full.
///
/// `nil` entries are kept on purpose: a poll that gave no value (node down, counter reset) is a gap in a chart,
/// not a zero. Storage grows with use, up to `capacity`, rather than being reserved up front.
public struct BoundedSeries<Element: Sendable & Equatable>: Sendable, Equatable {
    public let capacity: Int
    public private(set) var values: Deque<Element> = []

    public init(capacity: Int) {
        precondition(capacity > 0, "a series needs room for at least one value")
        self.capacity = capacity
    }

    public mutating func append(_ value: Element) {
        if values.count == capacity { values.removeFirst() }
        values.append(value)
    }
}

/// The per-node history the console charts: one point per poll, holding every charted metric.
///
/// One series of points rather than a series per metric, so recording a poll touches one buffer instead of six
/// (with a thousand nodes each poll's six cache misses showed), and values are kept as `Float`: an hour of
/// points is 86 KB per node instead of 345 KB, precise to seven digits, far finer than a chart's rows.
public struct NodeHistory: Sendable, Equatable {
    /// One hour at one poll a second.
    public static let defaultCapacity = 3600

    /// One poll's values; nil where the poll gave none (stored as NaN).
    public struct Point: Sendable, Equatable {
        private let storedHitRatio, storedReads, storedOps, storedEvictions, storedMemory, storedLatency: Float

        public var hitRatio: Double? { Self.unpack(storedHitRatio) }
        /// Δhits + Δmisses over the interval: the weight that turns per-interval hit ratios back into exact
        /// ratios over longer windows (Σ hits / Σ reads, never a mean of percentages).
        public var reads: Double? { Self.unpack(storedReads) }
        public var opsPerSecond: Double? { Self.unpack(storedOps) }
        public var evictionsPerSecond: Double? { Self.unpack(storedEvictions) }
        public var memoryFraction: Double? { Self.unpack(storedMemory) }
        public var latencySeconds: Double? { Self.unpack(storedLatency) }

        init(hitRatio: Double?, reads: Double?, opsPerSecond: Double?, evictionsPerSecond: Double?, memoryFraction: Double?, latencySeconds: Double?) {
            storedHitRatio = Self.pack(hitRatio)
            storedReads = Self.pack(reads)
            storedOps = Self.pack(opsPerSecond)
            storedEvictions = Self.pack(evictionsPerSecond)
            storedMemory = Self.pack(memoryFraction)
            storedLatency = Self.pack(latencySeconds)
        }

        private static func pack(_ value: Double?) -> Float { value.map(Float.init) ?? .nan }
        private static func unpack(_ value: Float) -> Double? { value.isNaN ? nil : Double(value) }

        public static func == (lhs: Point, rhs: Point) -> Bool {
            lhs.hitRatio == rhs.hitRatio && lhs.reads == rhs.reads && lhs.opsPerSecond == rhs.opsPerSecond
                && lhs.evictionsPerSecond == rhs.evictionsPerSecond && lhs.memoryFraction == rhs.memoryFraction
                && lhs.latencySeconds == rhs.latencySeconds
        }
    }

    public private(set) var points: BoundedSeries<Point>

    public init(capacity: Int = NodeHistory.defaultCapacity) {
        points = BoundedSeries(capacity: capacity)
    }

    /// Records one poll; `interval` is `nil` on the first poll, after a reset and while the node is down.
    public mutating func record(interval: CacheInterval?, gauges: CacheGauges?, latency: Duration?) {
        points.append(Point(
            hitRatio: interval?.hitRatio,
            reads: interval.flatMap { interval in interval.hits.flatMap { h in interval.misses.map { Double(h + $0) } } },
            opsPerSecond: interval?.opsPerSecond, evictionsPerSecond: interval?.evictionsPerSecond,
            memoryFraction: gauges?.memoryFraction, latencySeconds: latency?.secondsDouble))
    }

    /// One metric over the last `polls` polls, oldest first.
    public func recent(_ metric: (Point) -> Double?, polls: Int) -> [Double?] {
        points.values.suffix(polls).map(metric)
    }

    /// The newest poll's values.
    public var latest: Point? { points.values.last }
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

    /// Per column of a `count`-poll window (the same columns as `means` and `hitRatios`): whether any of its polls
    /// is `marked` (a poll index, oldest first).
    public static func marks(_ count: Int, columns: Int, _ marked: (Int) -> Bool) -> [Bool] {
        buckets(count, columns: columns).map { $0.contains(where: marked) }
    }

    /// `count` positions split into at most `columns` consecutive ranges, the last ending at `count`.
    private static func buckets(_ count: Int, columns: Int) -> [Range<Int>] {
        guard count > 0, columns > 0 else { return [] }
        let size = max(1, Int((Double(count) / Double(columns)).rounded(.up)))
        return stride(from: count, to: 0, by: -size).map { max(0, $0 - size)..<$0 }.reversed()
    }
}
