/// How a remaining lifetime read on the source is written to the target, so a copy never outlives its source
/// and never becomes immortal by accident.
public enum WarmExpiry {
    /// memcached reads an expiry above 30 days as an absolute unix time, not as seconds from now.
    public static let memcachedRelativeLimit: Int64 = 2_592_000

    /// The `T` of `ms` for a memcached item with `remaining` seconds (`nil`: no expiry), `now` the unix time;
    /// `nil` when it has expired (an expiry of 0 would mean "never").
    public static func memcached(remaining: Int64?, now: Int64) -> Int64? {
        guard let remaining else { return 0 }
        guard remaining > 0 else { return nil }
        return remaining > memcachedRelativeLimit ? now + remaining : remaining
    }

    /// The TTL argument of `RESTORE` (milliseconds, 0 for none) for a Redis key whose `PTTL` was
    /// `ttlMilliseconds` (`nil`: no expiry); `nil` when it has expired: a `PTTL` of 0 still answers, and
    /// restoring it with 0 would keep it forever.
    public static func redis(ttlMilliseconds: Int64?) -> Int64? {
        guard let ttlMilliseconds else { return 0 }
        return ttlMilliseconds > 0 ? ttlMilliseconds : nil
    }

    /// Whether a metadump `exp` (-1, or an absolute unix time) has passed at `now`.
    public static func memcachedDumpExpired(expiresAt: Int64, now: Int64) -> Bool {
        expiresAt >= 0 && expiresAt <= now
    }
}
