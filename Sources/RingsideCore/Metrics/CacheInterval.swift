/// The change between two consecutive polls of one cache node: the numbers an operator watches.
public struct CacheInterval: Sendable, Equatable {
    public var seconds: Double
    public var hits: UInt64?
    public var misses: UInt64?
    public var opsPerSecond: Double?
    public var getsPerSecond: Double?
    public var setsPerSecond: Double?
    public var evictionsPerSecond: Double?
    public var expirationsPerSecond: Double?

    public init(
        seconds: Double, hits: UInt64? = nil, misses: UInt64? = nil, opsPerSecond: Double? = nil,
        getsPerSecond: Double? = nil, setsPerSecond: Double? = nil, evictionsPerSecond: Double? = nil,
        expirationsPerSecond: Double? = nil
    ) {
        self.seconds = seconds
        self.hits = hits
        self.misses = misses
        self.opsPerSecond = opsPerSecond
        self.getsPerSecond = getsPerSecond
        self.setsPerSecond = setsPerSecond
        self.evictionsPerSecond = evictionsPerSecond
        self.expirationsPerSecond = expirationsPerSecond
    }

    /// Δhits / (Δhits + Δmisses); `nil` ("—") when the interval had no reads, never 0%.
    public var hitRatio: Double? { HitRatio.of(hits: hits, misses: misses) }
}

/// Why an interval has no value: the node restarted or its counters were reset.
public enum CounterReset: Sendable, Equatable, CustomStringConvertible {
    case instanceChanged(from: String, to: String)
    case uptimeWentBack(from: UInt64, to: UInt64)
    case counterWentDown(name: String, from: UInt64, to: UInt64)

    /// A new process (new run_id or pid, uptime back), not only counters zeroed: its cache starts empty.
    public var isRestart: Bool {
        if case .counterWentDown = self { false } else { true }
    }

    public var description: String {
        switch self {
        case let .instanceChanged(from, to): "restarted (instance \(from) → \(to))"
        case let .uptimeWentBack(from, to): "restarted (uptime \(from)s → \(to)s)"
        case let .counterWentDown(name, from, to): "counters reset (\(name) \(from) → \(to))"
        }
    }
}

public enum IntervalOutcome: Sendable, Equatable {
    case interval(CacheInterval)
    case reset(CounterReset)
}

extension CacheInterval {
    /// The interval from `earlier` to `later`, or the reset that makes it meaningless.
    ///
    /// A reset yields no value for that tick (never a negative rate); the next interval starts from `later`.
    public static func between(_ earlier: CacheSample, _ later: CacheSample) -> IntervalOutcome {
        if let reset = detectReset(earlier, later) { return .reset(reset) }
        let seconds = earlier.takenAt.duration(to: later.takenAt).secondsDouble
        let before = earlier.counters, after = later.counters
        func delta(_ a: UInt64?, _ b: UInt64?) -> UInt64? {
            guard let a, let b else { return nil }
            return b - a
        }
        func rate(_ a: UInt64?, _ b: UInt64?, less own: UInt64 = 0) -> Double? {
            guard seconds > 0, let d = delta(a, b) else { return nil }
            return Double(d - min(d, own)) / seconds
        }
        return .interval(
            CacheInterval(
                seconds: seconds, hits: delta(before.hits, after.hits), misses: delta(before.misses, after.misses),
                opsPerSecond: rate(before.commands, after.commands, less: later.ownCommandsPerPoll),
                getsPerSecond: rate(before.gets, after.gets), setsPerSecond: rate(before.sets, after.sets),
                evictionsPerSecond: rate(before.evictions, after.evictions),
                expirationsPerSecond: rate(before.expirations, after.expirations)))
    }

    private static func detectReset(_ earlier: CacheSample, _ later: CacheSample) -> CounterReset? {
        if let a = earlier.identity.instance, let b = later.identity.instance, a != b {
            return .instanceChanged(from: a, to: b)
        }
        if let a = earlier.identity.uptimeSeconds, let b = later.identity.uptimeSeconds, b < a {
            return .uptimeWentBack(from: a, to: b)
        }
        let a = earlier.counters, b = later.counters
        func wentDown(_ name: String, _ x: UInt64?, _ y: UInt64?) -> CounterReset? {
            guard let x, let y, y < x else { return nil }
            return .counterWentDown(name: name, from: x, to: y)
        }
        return wentDown("hits", a.hits, b.hits) ?? wentDown("misses", a.misses, b.misses) ?? wentDown("gets", a.gets, b.gets)
            ?? wentDown("sets", a.sets, b.sets) ?? wentDown("evictions", a.evictions, b.evictions)
            ?? wentDown("expirations", a.expirations, b.expirations) ?? wentDown("commands", a.commands, b.commands)
    }
}

extension Duration {
    /// Whole nanoseconds, for APIs that count in them (SwiftNIO's `TimeAmount`).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration in seconds as a `Double`.
    public var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
