#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import RingsideCore

/// `stats` and `stats settings` replies (`STAT <name> <value>` lines, then `END`), parsed as bytes. memcached
/// builds add fields over time; unknown ones are kept by `parse` and skipped by `sample`, never refused.
public enum MemcachedStats {
    /// Every `STAT` field of a reply, as text (`stats settings`, and whoever wants the whole listing).
    public static func parse(_ reply: [UInt8]) throws -> [String: String] {
        try reply.withUnsafeBufferPointer { bytes in
            var fields: [String: String] = [:]
            try forEachStat(in: bytes) { name, value in
                fields[String(decoding: bytes[name], as: UTF8.self)] = String(decoding: bytes[value], as: UTF8.self)
            }
            return fields
        }
    }

    /// A poll's `stats` reply mapped to a core sample: counters, gauges and the process's identity. What does
    /// not change while the process runs (its version and settings) is left to `processDetails`, read once per
    /// process.
    ///
    /// The fields a sample reads are located by position, with no dictionary and no String for the other
    /// 70-odd fields: with a thousand nodes polled every second this parse is a large part of ringside's CPU.
    ///
    /// Expirations are `reclaimed + crawler_reclaimed`: expired items whose memory was taken back, by a store or
    /// by the LRU crawler (memcached counts no plain "expired" event).
    public static func sample(statsReply reply: [UInt8], at instant: ContinuousClock.Instant) throws -> CacheSample {
        try reply.withUnsafeBufferPointer { bytes in
            var reading = StatsReading(bytes: bytes)
            try forEachStat(in: bytes) { name, value in
                if let field = SampledStat.names.index(of: UnsafeBufferPointer(rebasing: bytes[name])) { reading.ranges[field] = value }
            }
            return CacheSample(
                takenAt: instant,
                counters: CacheCounters(
                    hits: reading.number(.getHits), misses: reading.number(.getMisses), gets: reading.number(.cmdGet),
                    sets: reading.number(.cmdSet), evictions: reading.number(.evictions),
                    expirations: reading.sum(SampledStat.expirationCounters), commands: reading.sum(SampledStat.commandCounters)),
                gauges: CacheGauges(
                    memoryUsedBytes: reading.number(.bytes), memoryLimitBytes: reading.number(.limitMaxbytes),
                    items: reading.number(.currItems), connections: reading.number(.currConnections)),
                identity: ProcessIdentity(uptimeSeconds: reading.number(.uptime), instance: reading.text(.pid)))
        }
    }

    /// What a sample shows of a process besides its numbers: the version (from `stats`) and, when the server
    /// gave them, the `stats settings` that matter to an operator (`settingsDetails`).
    public static func processDetails(statsReply: [UInt8], settings: [String: String]?) -> [String: String] {
        var details = settings.map(settingsDetails) ?? [:]
        if let version = try? parse(statsReply)["version"] { details["version"] = version }
        return details
    }

    /// The `stats settings` a sample shows: the item size limit, and whether the LRU crawler, key dumps
    /// (`lru_crawler metadump`, which warming needs) and evictions are enabled.
    public static func settingsDetails(_ settings: [String: String]) -> [String: String] {
        settings.filter { ["item_size_max", "lru_crawler", "dump_enabled", "evictions"].contains($0.key) }
    }

    /// Calls `body` with the byte ranges of each `STAT` line's name and value, up to `END`. An error line
    /// (`ERROR`, `SERVER_ERROR …`) is the server's answer; any other line is not memcached talking.
    static func forEachStat(in bytes: UnsafeBufferPointer<UInt8>, _ body: (_ name: Range<Int>, _ value: Range<Int>) throws -> Void) throws {
        guard let base = bytes.baseAddress else { return }
        func find(_ byte: UInt8, from start: Int, before end: Int) -> Int? {
            memchr(base + start, Int32(byte), end - start).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base }
        }
        var start = 0
        while start < bytes.count {
            let end = find(10, from: start, before: bytes.count) ?? bytes.count
            let lineEnd = end > start && bytes[end - 1] == 13 ? end - 1 : end
            defer { start = end + 1 }
            let length = lineEnd - start
            if length == 0 { continue }
            if length == 3 && bytes[start] == 69 && bytes[start + 1] == 78 && bytes[start + 2] == 68 { return }  // END
            guard MemcachedFraming.isStatLine(bytes, at: start, end: lineEnd), let space = find(32, from: start + 5, before: lineEnd) else {
                let line = ArraySlice(bytes[start..<lineEnd])
                if MemcachedFraming.isErrorLine(line) { throw WireError.serverError(ByteLines.string(line)) }
                throw WireError.malformedReply("expected 'STAT name value', got '\(ByteLines.string(line.prefix(60)))'")
            }
            try body((start + 5)..<space, (space + 1)..<lineEnd)
        }
    }
}

/// The `stats` fields a sample reads; a case's raw value is its position in `names`.
enum SampledStat: Int, CaseIterable {
    case pid, uptime, getHits, getMisses, cmdGet, cmdSet, evictions, reclaimed, crawlerReclaimed, bytes
    case limitMaxbytes, currItems, currConnections, cmdTouch, cmdFlush, deleteHits, deleteMisses, incrHits, incrMisses
    case decrHits, decrMisses, casHits, casMisses, casBadval

    /// The field as memcached names it.
    var name: String {
        switch self {
        case .pid: "pid"
        case .uptime: "uptime"
        case .getHits: "get_hits"
        case .getMisses: "get_misses"
        case .cmdGet: "cmd_get"
        case .cmdSet: "cmd_set"
        case .evictions: "evictions"
        case .reclaimed: "reclaimed"
        case .crawlerReclaimed: "crawler_reclaimed"
        case .bytes: "bytes"
        case .limitMaxbytes: "limit_maxbytes"
        case .currItems: "curr_items"
        case .currConnections: "curr_connections"
        case .cmdTouch: "cmd_touch"
        case .cmdFlush: "cmd_flush"
        case .deleteHits: "delete_hits"
        case .deleteMisses: "delete_misses"
        case .incrHits: "incr_hits"
        case .incrMisses: "incr_misses"
        case .decrHits: "decr_hits"
        case .decrMisses: "decr_misses"
        case .casHits: "cas_hits"
        case .casMisses: "cas_misses"
        case .casBadval: "cas_badval"
        }
    }

    static let names = FieldNames(allCases.map(\.name))

    /// Expired items whose memory was taken back.
    static let expirationCounters: [SampledStat] = [.reclaimed, .crawlerReclaimed]

    /// Commands that count towards ops/s (memcached has no single "commands processed" counter).
    static let commandCounters: [SampledStat] = [
        .cmdGet, .cmdSet, .cmdTouch, .cmdFlush, .deleteHits, .deleteMisses, .incrHits, .incrMisses, .decrHits, .decrMisses,
        .casHits, .casMisses, .casBadval,
    ]
}

/// Where each sampled field's value sits in a reply (kept inline: no allocation per poll).
private struct StatsReading {
    let bytes: UnsafeBufferPointer<UInt8>
    /// One per `SampledStat` case.
    var ranges = InlineArray<24, Range<Int>?>(repeating: nil)

    init(bytes: UnsafeBufferPointer<UInt8>) {
        assert(SampledStat.allCases.count == ranges.count, "StatsReading.ranges needs one slot per SampledStat case")
        self.bytes = bytes
    }

    func text(_ stat: SampledStat) -> String? {
        ranges[stat.rawValue].map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }

    func number(_ stat: SampledStat) -> UInt64? {
        ranges[stat.rawValue].flatMap { ByteLines.decimal(UnsafeBufferPointer(rebasing: bytes[$0])) }
    }

    /// The sum of the fields present, or nil when none is.
    func sum(_ stats: [SampledStat]) -> UInt64? {
        var total: UInt64?
        for stat in stats { if let value = number(stat) { total = (total ?? 0) &+ value } }
        return total
    }
}
