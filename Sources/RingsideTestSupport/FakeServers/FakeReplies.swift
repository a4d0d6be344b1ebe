import RingsideCore

/// Canned replies that real servers would give, for fake servers that need to sound like them.
public enum FakeReplies {
    /// A memcached `stats` + `stats settings` pair with the given counters.
    public static func memcachedStats(hits: UInt64, misses: UInt64, uptime: UInt64 = 100, pid: Int = 4242) -> [UInt8] {
        let stats = [
            "pid \(pid)", "uptime \(uptime)", "version 1.6.18", "curr_connections 2", "cmd_get \(hits + misses)", "cmd_set 10",
            "get_hits \(hits)", "get_misses \(misses)", "evictions 0", "reclaimed 0", "crawler_reclaimed 0", "bytes 1024",
            "limit_maxbytes 67108864", "curr_items 10",
        ]
        let settings = ["maxbytes 67108864", "item_size_max 1048576", "lru_crawler yes", "dump_enabled yes"]
        func listing(_ lines: [String]) -> String { lines.map { "STAT \($0)\r\n" }.joined() + "END\r\n" }
        return Array((listing(stats) + listing(settings)).utf8)
    }
}
