/// Cumulative counters read from a cache node in one poll.
///
/// Every field is optional: a server that does not report a counter (or blocks the command that reports it)
/// degrades that field only. Counters only ever grow while the process lives; one that goes down marks a reset.
public struct CacheCounters: Sendable, Equatable, Codable {
    public var hits: UInt64?
    public var misses: UInt64?
    public var gets: UInt64?
    public var sets: UInt64?
    public var evictions: UInt64?
    public var expirations: UInt64?
    /// All commands the node processed (Redis `total_commands_processed`; memcached: the sum of its command counters).
    public var commands: UInt64?

    public init(
        hits: UInt64? = nil, misses: UInt64? = nil, gets: UInt64? = nil, sets: UInt64? = nil,
        evictions: UInt64? = nil, expirations: UInt64? = nil, commands: UInt64? = nil
    ) {
        self.hits = hits
        self.misses = misses
        self.gets = gets
        self.sets = sets
        self.evictions = evictions
        self.expirations = expirations
        self.commands = commands
    }
}

/// Point-in-time values read from a cache node in one poll.
public struct CacheGauges: Sendable, Equatable, Codable {
    public var memoryUsedBytes: UInt64?
    /// The configured memory limit; `nil` when unknown or when the server has none (`memoryUnlimited`).
    public var memoryLimitBytes: UInt64?
    /// The server said it has no memory limit (Redis `maxmemory 0`): "no limit" is a value, not an unknown.
    public var memoryUnlimited: Bool
    public var items: UInt64?
    public var connections: UInt64?

    public init(
        memoryUsedBytes: UInt64? = nil, memoryLimitBytes: UInt64? = nil, memoryUnlimited: Bool = false, items: UInt64? = nil,
        connections: UInt64? = nil
    ) {
        self.memoryUsedBytes = memoryUsedBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.memoryUnlimited = memoryUnlimited
        self.items = items
        self.connections = connections
    }

    /// Memory used as a fraction of the limit, or `nil` without both numbers.
    public var memoryFraction: Double? {
        guard let used = memoryUsedBytes, let limit = memoryLimitBytes, limit > 0 else { return nil }
        return Double(used) / Double(limit)
    }
}

/// What identifies one life of a server process: a restart changes `instance` or sends `uptime` backwards.
public struct ProcessIdentity: Sendable, Equatable, Codable {
    public var uptimeSeconds: UInt64?
    /// Redis `run_id`, memcached `pid`.
    public var instance: String?

    public init(uptimeSeconds: UInt64? = nil, instance: String? = nil) {
        self.uptimeSeconds = uptimeSeconds
        self.instance = instance
    }
}

/// One poll of a cache node, as the core understands it.
public struct CacheSample: Sendable, Equatable {
    public var takenAt: ContinuousClock.Instant
    public var counters: CacheCounters
    public var gauges: CacheGauges
    public var identity: ProcessIdentity
    /// Descriptive fields shown as they are (version, role, eviction policy, keys per db…), by name.
    public var details: [String: String]
    /// Fields the server would not give, with the reason (a renamed or blocked command).
    public var unavailable: [String: String]
    /// Commands ringside's own poll adds to `counters.commands` between two samples, subtracted from ops/s so
    /// an idle node reads as idle.
    public var ownCommandsPerPoll: UInt64 = 0

    public init(
        takenAt: ContinuousClock.Instant, counters: CacheCounters = .init(), gauges: CacheGauges = .init(),
        identity: ProcessIdentity = .init(), details: [String: String] = [:], unavailable: [String: String] = [:]
    ) {
        self.takenAt = takenAt
        self.counters = counters
        self.gauges = gauges
        self.identity = identity
        self.details = details
        self.unavailable = unavailable
    }
}
