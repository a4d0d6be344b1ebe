import RingsideCore

/// Canned replies that real servers would give, for fake servers that need to sound like them.
public enum FakeReplies {
    /// What memcached answers to `request`, one reply per command line: `stats` with the given counters,
    /// `stats settings`, and `ERROR` for anything else.
    public static func memcached(_ request: [UInt8], hits: UInt64, misses: UInt64, uptime: UInt64 = 100, pid: Int = 4242) -> [UInt8] {
        // Every field memcached 1.6.18 prints (captured from the real daemon), so whoever parses this does the
        // same work as in production.
        let stats = [
            "pid \(pid)", "uptime \(uptime)", "cmd_get \(hits + misses)", "get_hits \(hits)", "get_misses \(misses)",
            "time 1795829009", "version 1.6.18", "libevent 2.1.12-stable", "pointer_size 64", "rusage_user 0.000000",
            "rusage_system 0.009107", "max_connections 1024", "curr_connections 1", "total_connections 13",
            "rejected_connections 0", "connection_structures 2", "response_obj_oom 0", "response_obj_count 1",
            "response_obj_bytes 65536", "read_buf_count 8", "read_buf_bytes 131072", "read_buf_bytes_free 49152",
            "read_buf_oom 0", "reserved_fds 20", "cmd_set 1", "cmd_flush 0", "cmd_touch 0", "cmd_meta 0",
            "get_expired 0", "get_flushed 0", "delete_misses 0", "delete_hits 0", "incr_misses 0", "incr_hits 0",
            "decr_misses 0", "decr_hits 0", "cas_misses 0", "cas_hits 0", "cas_badval 0", "touch_hits 0",
            "touch_misses 0", "store_too_large 0", "store_no_memory 0", "auth_cmds 0", "auth_errors 0",
            "bytes_read 112", "bytes_written 191", "limit_maxbytes 67108864", "accepting_conns 1",
            "listen_disabled_num 0", "time_in_listen_disabled_us 0", "threads 4", "conn_yields 0",
            "hash_power_level 16", "hash_bytes 524288", "hash_is_expanding 0", "slab_reassign_rescues 0",
            "slab_reassign_chunk_rescues 0", "slab_reassign_evictions_nomem 0", "slab_reassign_inline_reclaim 0",
            "slab_reassign_busy_items 0", "slab_reassign_busy_deletes 0", "slab_reassign_running 0", "slabs_moved 0",
            "lru_crawler_running 0", "lru_crawler_starts 1", "lru_maintainer_juggles 58", "malloc_fails 0",
            "log_worker_dropped 0", "log_worker_written 0", "log_watcher_skipped 0", "log_watcher_sent 0",
            "log_watchers 0", "unexpected_napi_ids 0", "round_robin_fallback 0", "bytes 64", "curr_items 1",
            "total_items 1", "slab_global_page_pool 0", "expired_unfetched 0", "evicted_unfetched 0",
            "evicted_active 0", "evictions 0", "reclaimed 0", "crawler_reclaimed 0", "crawler_items_checked 0",
            "lrutail_reflocked 0", "moves_to_cold 0", "moves_to_warm 0", "moves_within_lru 0", "direct_reclaims 0",
            "lru_bumps_dropped 0",
        ]
        let settings = ["maxbytes 67108864", "item_size_max 1048576", "lru_crawler yes", "dump_enabled yes"]
        func listing(_ lines: [String]) -> String { lines.map { "STAT \($0)\r\n" }.joined() + "END\r\n" }
        let commands = String(decoding: request, as: UTF8.self).split(separator: "\r\n")
        return Array(commands.map { command in
            switch command {
            case "stats": listing(stats)
            case "stats settings": listing(settings)
            default: "ERROR\r\n"
            }
        }.joined().utf8)
    }
}
