import RingsideCore
import RingsideWire

/// One item read from a source, as it will be written to the target.
public struct CopyItem: Sendable, Equatable {
    public var key: [UInt8]
    /// The value (memcached) or the `DUMP` serialization (Redis).
    public var payload: [UInt8]
    /// memcached client flags (0 for Redis).
    public var flags: UInt32
    /// As the target takes it: `RESTORE` milliseconds or memcached's `T`; 0 for no expiry.
    public var ttl: Int64
}

/// What reading one key from a source found.
public enum KeyRead: Sendable, Equatable {
    case item(CopyItem)
    /// Deleted or expired since it was listed.
    case expired
    /// Larger than the limit (`bytes`: its size, or Redis's memory estimate).
    case tooBig(bytes: Int64)
    /// The key cannot be sent in this protocol (a memcached key too long for a command line).
    case unaddressable(String)
}

/// What writing one item to the target did.
public enum KeyWrite: Sendable, Equatable {
    case stored
    /// The target already held the key: it keeps its newer value.
    case alreadyPresent
    /// In the server's words (`ERR DUMP payload version or checksum are wrong`, `SERVER_ERROR object too large`).
    case refused(String)
}

/// A key a listing found, with what the listing already knows about its expiry.
public struct ListedKey: Sendable, Equatable {
    public var key: [UInt8]
    public var expired: Bool

    public init(key: [UInt8], expired: Bool = false) {
        self.key = key
        self.expired = expired
    }
}

/// A cache node as a warm reads and writes it, over one pipelined connection. Batches may be in flight
/// concurrently; their replies come back in order.
public protocol WarmNode: Sendable {
    /// Lists every key, a batch of about `batch` at a time, until `body` returns `false`.
    func listKeys(batch: Int, now: Int64, _ body: ([ListedKey]) async throws -> Bool) async throws
    /// Reads value, flags and TTL of each key; a key over `limit` bytes is not fetched where the protocol can tell.
    func read(_ keys: [[UInt8]], limit: Int64, now: Int64) async throws -> [KeyRead]
    /// Writes without overwriting: a key already present keeps its value. Refused, unsent, when the gate is closed.
    func write(_ items: [CopyItem], gate: WriteGate) async throws -> [KeyWrite]
    /// Whether the node holds each key (a dry run's "already present", and the check after a copy).
    func contains(_ keys: [[UInt8]]) async throws -> [Bool]
    func close() async
}

/// A Redis or Valkey node: `SCAN`, `MEMORY USAGE` before the value, `PTTL` + `DUMP`, `RESTORE` without `REPLACE`.
public struct RedisWarmNode: WarmNode {
    let connection: RedisKeyCopyConnection

    public static func connect(host: String, port: Int, limits: WireLimits, auth: RedisClient.Auth?) async throws -> RedisWarmNode {
        RedisWarmNode(connection: try await RedisKeyCopyConnection.connect(host: host, port: port, limits: limits, auth: auth))
    }

    public func listKeys(batch: Int, now: Int64, _ body: ([ListedKey]) async throws -> Bool) async throws {
        var cursor = "0"
        repeat {
            let page = try await connection.scan(cursor: cursor, count: batch)
            cursor = page.cursor
            if !page.keys.isEmpty, try await !body(page.keys.map { ListedKey(key: $0) }) { return }
        } while cursor != "0"
    }

    public func read(_ keys: [[UInt8]], limit: Int64, now: Int64) async throws -> [KeyRead] {
        var reads = [KeyRead?](repeating: nil, count: keys.count)
        // Without scripts the sizes come first, a command a key, and every key small enough is dumped after.
        let entries: [RedisKeyCopy.SizedDump]
        if let sized = try await connection.sizedDumps(keys, limit: limit, budget: Self.scriptBudget) {
            entries = sized
        } else {
            entries = try await connection.memoryUsage(keys).map { $0.map(RedisKeyCopy.SizedDump.sized) ?? .gone }
        }
        var undumped: [Int] = []
        for (index, entry) in entries.enumerated() {
            switch entry {
            case .gone: reads[index] = .expired
            case let .sized(bytes) where bytes > limit: reads[index] = .tooBig(bytes: bytes)
            case .sized: undumped.append(index)
            case let .dumped(dumped): reads[index] = Self.read(keys[index], dumped, limit: limit)
            }
        }
        if !undumped.isEmpty {
            for (index, dumped) in zip(undumped, try await connection.dumpWithTTL(undumped.map { keys[$0] })) {
                reads[index] = Self.read(keys[index], dumped, limit: limit)
            }
        }
        return reads.map { $0! }
    }

    /// Bytes one script call may dump: about a millisecond of the source's time.
    static let scriptBudget: Int64 = 1 << 20

    private static func read(_ key: [UInt8], _ dumped: RedisKeyCopy.Dumped?, limit: Int64) -> KeyRead {
        guard let dumped, let ttl = WarmExpiry.redis(ttlMilliseconds: dumped.ttlMilliseconds) else { return .expired }
        return Int64(dumped.payload.count) > limit
            ? .tooBig(bytes: Int64(dumped.payload.count))
            : .item(CopyItem(key: key, payload: dumped.payload, flags: 0, ttl: ttl))
    }

    public func write(_ items: [CopyItem], gate: WriteGate) async throws -> [KeyWrite] {
        try await connection.restore(items.map { .init(key: $0.key, ttl: $0.ttl, payload: $0.payload) }, gate: gate).map { outcome in
            switch outcome {
            case .stored: .stored
            case .alreadyPresent: .alreadyPresent
            case let .refused(message): .refused(message)
            }
        }
    }

    public func contains(_ keys: [[UInt8]]) async throws -> [Bool] { try await connection.exists(keys) }

    public func close() async { await connection.close() }
}

/// A memcached node: `lru_crawler metadump all` on a connection of its own, `mg … f t v`, `ms … ME`.
public struct MemcachedWarmNode: WarmNode {
    let host: String
    let port: Int
    let limits: WireLimits
    let connection: MemcachedKeyCopyConnection

    public static func connect(host: String, port: Int, limits: WireLimits) async throws -> MemcachedWarmNode {
        MemcachedWarmNode(host: host, port: port, limits: limits, connection: try await MemcachedKeyCopyConnection.connect(host: host, port: port, limits: limits))
    }

    public func listKeys(batch: Int, now: Int64, _ body: ([ListedKey]) async throws -> Bool) async throws {
        try await MemcachedKeyCopyConnection.listKeys(host: host, port: port, limits: limits) { lines in
            let keys = lines.compactMap { line -> ListedKey? in
                guard case let .item(key, expiresAt, _) = line else { return nil }
                return ListedKey(key: key, expired: WarmExpiry.memcachedDumpExpired(expiresAt: expiresAt, now: now))
            }
            return try await body(keys)
        }
    }

    public func read(_ keys: [[UInt8]], limit: Int64, now: Int64) async throws -> [KeyRead] {
        var reads = [KeyRead?](repeating: nil, count: keys.count)
        var wanted: [(index: Int, token: (token: [UInt8], base64: Bool))] = []
        for (index, key) in keys.enumerated() {
            if let token = MemcachedKeyCopy.keyToken(key) {
                wanted.append((index, token))
            } else {
                reads[index] = .unaddressable("longer than memcached's 250-byte key limit once base64-encoded")
            }
        }
        let items = try await connection.get(wanted.map(\.token))
        for (entry, item) in zip(wanted, items) {
            guard let item, let ttl = WarmExpiry.memcached(remaining: item.remainingTTL, now: now) else {
                reads[entry.index] = .expired
                continue
            }
            reads[entry.index] = Int64(item.value.count) > limit
                ? .tooBig(bytes: Int64(item.value.count))
                : .item(CopyItem(key: keys[entry.index], payload: item.value, flags: item.flags, ttl: ttl))
        }
        return reads.map { $0! }
    }

    public func write(_ items: [CopyItem], gate: WriteGate) async throws -> [KeyWrite] {
        var adds: [MemcachedKeyCopyConnection.Add] = []
        var unaddressable: Set<Int> = []
        for (index, item) in items.enumerated() {
            guard let token = MemcachedKeyCopy.keyToken(item.key) else {
                unaddressable.insert(index)
                continue
            }
            adds.append(.init(token: token, flags: item.flags, ttl: item.ttl, value: item.payload))
        }
        var outcomes = try await connection.add(adds, gate: gate).makeIterator()
        return items.indices.map { index in
            if unaddressable.contains(index) { return .refused("key too long for memcached") }
            switch outcomes.next()! {
            case .stored: return .stored
            case .alreadyPresent: return .alreadyPresent
            case let .refused(message): return .refused(message)
            }
        }
    }

    public func contains(_ keys: [[UInt8]]) async throws -> [Bool] {
        let tokens = keys.map(MemcachedKeyCopy.keyToken)
        let found = try await connection.contains(tokens.compactMap { $0 })
        var iterator = found.makeIterator()
        return tokens.map { $0 == nil ? false : iterator.next()! }
    }

    public func close() async { await connection.close() }
}
