#if canImport(Glibc)
import Glibc
#endif

/// One simulated cache: items with sizes and expiry times, a memory limit enforced by evicting the least recently
/// used items (sampled, as Redis approximates LRU), and the counters memcached reports.
struct CacheStore: Sendable {
    struct Item: Sendable {
        var size: Int
        /// Simulated seconds; `nil` never expires.
        var expiresAt: Double?
        var lastAccess: Double
        var value: [UInt8]
    }

    struct Counters: Sendable, Equatable {
        var getHits: UInt64 = 0
        var getMisses: UInt64 = 0
        var sets: UInt64 = 0
        var evictions: UInt64 = 0
        var expired: UInt64 = 0
    }

    let limitBytes: Int
    /// Per-item overhead memcached adds to the value (header, key, suffix).
    static let overhead = 56
    private(set) var items: [String: Item] = [:]
    /// The keys in a flat array for O(1) random sampling at eviction time.
    private var keys: [String] = []
    private var positions: [String: Int] = [:]
    private(set) var bytes = 0
    private(set) var counters = Counters()

    init(limitBytes: Int) {
        self.limitBytes = limitBytes
    }

    var itemCount: Int { items.count }

    /// A read: a hit refreshes the item's recency; an expired item is reclaimed and counts as a miss.
    mutating func get(_ key: String, now: Double) -> Item? {
        guard var item = items[key] else {
            counters.getMisses += 1
            return nil
        }
        if let expiry = item.expiresAt, expiry <= now {
            remove(key)
            counters.expired += 1
            counters.getMisses += 1
            return nil
        }
        item.lastAccess = now
        items[key] = item
        counters.getHits += 1
        return item
    }

    /// A write; evicts until the item fits. An item larger than the whole cache is refused.
    @discardableResult
    mutating func set(_ key: String, value: [UInt8], ttl: Double?, now: Double, random: inout SeededRandom) -> Bool {
        let size = value.count + key.utf8.count + Self.overhead
        guard size <= limitBytes else { return false }
        counters.sets += 1
        remove(key)
        while bytes + size > limitBytes, !keys.isEmpty { evictOne(random: &random) }
        items[key] = Item(size: size, expiresAt: ttl.map { now + $0 }, lastAccess: now, value: value)
        positions[key] = keys.count
        keys.append(key)
        bytes += size
        return true
    }

    /// Drops every item whose time has come: what a sweep (memcached's LRU crawler) reclaims.
    mutating func expire(now: Double, budget: Int, random: inout SeededRandom) {
        for _ in 0..<min(budget, keys.count) {
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            if let expiry = items[key]?.expiresAt, expiry <= now {
                remove(key)
                counters.expired += 1
            }
        }
    }

    /// Evicts the least recently used of five random items.
    private mutating func evictOne(random: inout SeededRandom) {
        var victim = keys[Int.random(in: 0..<keys.count, using: &random)]
        for _ in 0..<4 {
            let candidate = keys[Int.random(in: 0..<keys.count, using: &random)]
            if items[candidate]!.lastAccess < items[victim]!.lastAccess { victim = candidate }
        }
        remove(victim)
        counters.evictions += 1
    }

    private mutating func remove(_ key: String) {
        guard let item = items.removeValue(forKey: key), let position = positions.removeValue(forKey: key) else { return }
        bytes -= item.size
        let last = keys.removeLast()
        if position < keys.count {
            keys[position] = last
            positions[last] = position
        }
    }

    /// Makes `keys` expire now (a mass expiry: many popular keys written with the same TTL).
    mutating func expireNow(_ keys: [String], now: Double) {
        for key in keys where items[key] != nil { items[key]!.expiresAt = now }
    }

    /// Empties the cache: what a cold restart leaves.
    mutating func reset() {
        items = [:]
        keys = []
        positions = [:]
        bytes = 0
        counters = Counters()
    }
}
