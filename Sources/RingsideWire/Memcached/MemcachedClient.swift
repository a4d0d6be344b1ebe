import RingsideCore

/// Polls a memcached node over its text protocol on one persistent connection.
public struct MemcachedClient: Sendable {
    private let connection: PersistentConnection

    public init(host: String, port: Int, limits: WireLimits) {
        connection = PersistentConnection(host: host, port: port, limits: limits)
    }

    /// `stats` and `stats settings`, pipelined in one write.
    public func poll() async throws -> CacheSample {
        let replies = try await connection.exchange(Array("stats\r\nstats settings\r\n".utf8), replies: 2, framing: MemcachedFraming.listing)
        let stats = try MemcachedStats.parse(replies[0])
        // A server that refuses `stats settings` (some managed services) still has usable stats.
        let settings = try? MemcachedStats.parse(replies[1])
        var sample = MemcachedStats.sample(stats: stats, settings: settings, at: .now)
        if settings == nil { sample.unavailable["settings"] = "stats settings refused" }
        return sample
    }

    public func close() async { await connection.close() }
}
