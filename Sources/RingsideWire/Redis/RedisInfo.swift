import RingsideCore

/// The `INFO` reply: `# Section` headers, `name:value` lines, blank lines between sections.
public enum RedisInfo {
    /// The fields of an INFO reply; with `only`, just those.
    public static func parse(_ bytes: [UInt8], only wanted: FieldNames? = nil) -> [String: String] {
        var fields: [String: String] = [:]
        ByteLines.forEach(bytes[...]) { line in
            guard line.first != UInt8(ascii: "#"), let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
            guard wanted?.contains(line[..<colon]) ?? true else { return }
            fields[ByteLines.string(line[..<colon])] = ByteLines.string(line[(colon + 1)...])
        }
        return fields
    }

    /// Keys per database from `db0:keys=…,expires=…,avg_ttl=…` lines, keyed by database name.
    public static func keysPerDatabase(_ fields: [String: String]) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for (name, value) in fields where name.hasPrefix("db") && Int(name.dropFirst(2)) != nil {
            for pair in value.split(separator: ",") where pair.hasPrefix("keys=") {
                result[name] = UInt64(pair.dropFirst(5))
            }
        }
        return result
    }

    static let detailFields = [
        "redis_version", "valkey_version", "server_name", "redis_mode", "role", "maxmemory_policy",
        "instantaneous_ops_per_sec", "connected_slaves", "master_link_status", "mem_fragmentation_ratio",
    ]

    /// The INFO fields `sample` reads, with every `dbN` keyspace line.
    public static let sampledFields = FieldNames(
        detailFields + [
            "keyspace_hits", "keyspace_misses", "evicted_keys", "expired_keys", "total_commands_processed", "used_memory",
            "maxmemory", "connected_clients", "uptime_in_seconds", "run_id",
        ], databases: true)

    /// Maps INFO fields to a core sample. Ops/s comes from Δ`total_commands_processed`, not the server's
    /// `instantaneous_ops_per_sec` sample (kept as a detail). Redis counts no sets, so `sets` stays empty.
    public static func sample(_ fields: [String: String], at instant: ContinuousClock.Instant) -> CacheSample {
        func number(_ name: String) -> UInt64? { fields[name].flatMap { UInt64($0) } }
        let hits = number("keyspace_hits"), misses = number("keyspace_misses")
        let keys = keysPerDatabase(fields)
        var details: [String: String] = [:]
        for name in detailFields { details[name] = fields[name] }
        for (db, count) in keys { details["keys.\(db)"] = String(count) }
        let maxmemory = number("maxmemory")
        return CacheSample(
            takenAt: instant,
            counters: CacheCounters(
                hits: hits, misses: misses, gets: hits.flatMap { h in misses.map { h + $0 } }, sets: nil,
                evictions: number("evicted_keys"), expirations: number("expired_keys"),
                commands: number("total_commands_processed")),
            gauges: CacheGauges(
                memoryUsedBytes: number("used_memory"), memoryLimitBytes: maxmemory == 0 ? nil : maxmemory,
                memoryUnlimited: maxmemory == 0,
                items: fields["uptime_in_seconds"] == nil ? nil : keys.values.reduce(0, +), connections: number("connected_clients")),
            identity: ProcessIdentity(uptimeSeconds: number("uptime_in_seconds"), instance: fields["run_id"]),
            details: details)
    }
}
