import RingsideCore

/// The `INFO` reply: `# Section` headers, `name:value` lines, blank lines between sections.
public enum RedisInfo {
    public static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
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

    /// Maps INFO fields to a core sample. Ops/s comes from Δ`total_commands_processed`, not the server's
    /// `instantaneous_ops_per_sec` sample (kept as a detail). Redis counts no sets, so `sets` stays empty.
    public static func sample(_ fields: [String: String], at instant: ContinuousClock.Instant) -> CacheSample {
        func number(_ name: String) -> UInt64? { fields[name].flatMap { UInt64($0) } }
        let hits = number("keyspace_hits"), misses = number("keyspace_misses")
        let keys = keysPerDatabase(fields)
        var details: [String: String] = [:]
        for name in [
            "redis_version", "valkey_version", "server_name", "redis_mode", "role", "maxmemory_policy",
            "instantaneous_ops_per_sec", "connected_slaves", "master_link_status", "mem_fragmentation_ratio",
        ] {
            details[name] = fields[name]
        }
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
                items: fields.isEmpty ? nil : keys.values.reduce(0, +), connections: number("connected_clients")),
            identity: ProcessIdentity(uptimeSeconds: number("uptime_in_seconds"), instance: fields["run_id"]),
            details: details)
    }
}
