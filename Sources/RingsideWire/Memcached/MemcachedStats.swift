import RingsideCore

/// `stats` and `stats settings` replies, parsed generically (`STAT <name> <value>`), then mapped to the core's
/// sample. memcached builds add fields over time; unknown ones are kept, not refused.
public enum MemcachedStats {
    /// The `STAT` fields of a reply; with `only`, just those (the rest are checked for shape, not kept).
    public static func parse(_ reply: [UInt8], only wanted: FieldNames? = nil) throws -> [String: String] {
        var fields: [String: String] = [:]
        try ByteLines.forEach(reply[...]) { line in
            if line.isEmpty || line.elementsEqual("END".utf8) { return }
            guard ByteLines.hasPrefix(line, "STAT "), let space = line.dropFirst(5).firstIndex(of: 32) else {
                if MemcachedFraming.isErrorLine(line) { throw WireError.serverError(ByteLines.string(line)) }
                throw WireError.malformedReply("expected 'STAT name value', got '\(ByteLines.string(line.prefix(60)))'")
            }
            let name = line[(line.startIndex + 5)..<space]
            guard wanted?.contains(name) ?? true else { return }
            fields[ByteLines.string(name)] = ByteLines.string(line[(space + 1)...])
        }
        return fields
    }

    /// The `stats` fields `sample` reads: what a poll keeps of memcached's 90-odd.
    public static let sampledFields = FieldNames(
        ["pid", "uptime", "version", "get_hits", "get_misses", "cmd_get", "cmd_set", "evictions", "reclaimed",
         "crawler_reclaimed", "bytes", "limit_maxbytes", "curr_items", "curr_connections"] + commandCounters)

    /// Commands that count towards ops/s (memcached has no single "commands processed" counter).
    static let commandCounters = [
        "cmd_get", "cmd_set", "cmd_touch", "cmd_flush", "delete_hits", "delete_misses", "incr_hits", "incr_misses",
        "decr_hits", "decr_misses", "cas_hits", "cas_misses", "cas_badval",
    ]

    /// Maps `stats` (and `stats settings`, when given) to a core sample.
    ///
    /// Expirations are `reclaimed + crawler_reclaimed`: expired items whose memory was taken back, by a store or
    /// by the LRU crawler (memcached counts no plain "expired" event).
    public static func sample(stats: [String: String], settings: [String: String]?, at instant: ContinuousClock.Instant) -> CacheSample {
        func number(_ name: String) -> UInt64? { stats[name].flatMap { UInt64($0) } }
        func sum(_ names: [String]) -> UInt64? {
            let values = names.compactMap(number)
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        var details: [String: String] = [:]
        details["version"] = stats["version"]
        if let settings {
            details["item_size_max"] = settings["item_size_max"]
            details["lru_crawler"] = settings["lru_crawler"]
            details["dump_enabled"] = settings["dump_enabled"]
            details["evictions"] = settings["evictions"]
        }
        return CacheSample(
            takenAt: instant,
            counters: CacheCounters(
                hits: number("get_hits"), misses: number("get_misses"), gets: number("cmd_get"), sets: number("cmd_set"),
                evictions: number("evictions"), expirations: sum(["reclaimed", "crawler_reclaimed"]),
                commands: sum(commandCounters)),
            gauges: CacheGauges(
                memoryUsedBytes: number("bytes"), memoryLimitBytes: number("limit_maxbytes"), items: number("curr_items"),
                connections: number("curr_connections")),
            identity: ProcessIdentity(uptimeSeconds: number("uptime"), instance: stats["pid"]),
            details: details)
    }
}
