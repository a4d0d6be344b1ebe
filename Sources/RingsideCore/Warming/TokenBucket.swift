/// A rate limit as a token bucket: `rate` units a second, bursts up to `burst`. Pure: the caller passes the
/// time and sleeps for the delay it is given, so tests drive it with a fake clock.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var updatedAt: Double?

    /// - Parameter burst: defaults to a tenth of a second's worth, at least 1.
    public init(rate: Double, burst: Double? = nil) {
        precondition(rate > 0, "a rate limit must be positive")
        self.rate = rate
        self.burst = burst ?? max(1, rate / 10)
        self.tokens = self.burst
    }

    /// Takes `amount` units at time `now` (seconds) and returns how long to wait before going on (0 for not at
    /// all). A batch larger than the burst is let through and paid for by waiting afterwards.
    public mutating func take(_ amount: Double, at now: Double) -> Double {
        if let updatedAt { tokens = min(burst, tokens + (now - updatedAt) * rate) }
        updatedAt = now
        tokens -= amount
        return tokens >= 0 ? 0 : -tokens / rate
    }
}
