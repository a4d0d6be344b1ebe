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
    public private(set) var opsPerSecond: BoundedSeries
    public private(set) var evictionsPerSecond: BoundedSeries
    public private(set) var memoryFraction: BoundedSeries
    public private(set) var latencySeconds: BoundedSeries

    public init(capacity: Int = NodeHistory.defaultCapacity) {
        hitRatio = BoundedSeries(capacity: capacity)
        opsPerSecond = BoundedSeries(capacity: capacity)
        evictionsPerSecond = BoundedSeries(capacity: capacity)
        memoryFraction = BoundedSeries(capacity: capacity)
        latencySeconds = BoundedSeries(capacity: capacity)
    }

    /// Records one poll; `interval` is `nil` on the first poll, after a reset and while the node is down.
    public mutating func record(interval: CacheInterval?, gauges: CacheGauges?, latency: Duration?) {
        hitRatio.append(interval?.hitRatio)
        opsPerSecond.append(interval?.opsPerSecond)
        evictionsPerSecond.append(interval?.evictionsPerSecond)
        memoryFraction.append(gauges?.memoryFraction)
        latencySeconds.append(latency?.secondsDouble)
    }
}
