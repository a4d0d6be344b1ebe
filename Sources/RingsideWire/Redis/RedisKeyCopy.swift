import Synchronization
import RingsideCore

/// The commands that copy Redis keys between nodes (`SCAN`, `MEMORY USAGE`, `PTTL` + `DUMP`, `RESTORE`), as pure
/// request builders and reply readers over bytes. Keys are bytes: Redis keys may hold spaces, newlines, anything.
public enum RedisKeyCopy {
    /// `SCAN cursor COUNT n`.
    public static func scan(cursor: String, count: Int) -> [UInt8] {
        RESP.command(["SCAN", cursor, "COUNT", "\(count)"])
    }

    /// The next cursor ("0" when the scan is done) and the keys of one `SCAN` reply.
    public static func scanReply(_ reply: [UInt8]) throws(WireError) -> (cursor: String, keys: [[UInt8]]) {
        let value = try decoded(reply)
        guard case let .array(parts) = value, parts.count == 2, let cursor = parts[0].text, case let .array(keys) = parts[1] else {
            throw .malformedReply("SCAN did not answer with a cursor and a list of keys")
        }
        return (cursor, try keys.map { key throws(WireError) in
            guard case let .bulk(bytes) = key else { throw .malformedReply("SCAN listed a key that is not a string") }
            return bytes
        })
    }

    /// `MEMORY USAGE key` for each key: a size check before the value is read, so a huge key is never fetched.
    public static func memoryUsage(_ keys: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for key in keys { RESP.append([Array("MEMORY".utf8), Array("USAGE".utf8), key], to: &out) }
        return out
    }

    /// Redis's estimate of the key's memory, `nil` when the key is gone.
    public static func memoryUsageReply(_ reply: [UInt8]) throws(WireError) -> Int64? {
        switch try decoded(reply) {
        case let .integer(bytes): bytes
        case .null: nil
        case let .error(message): throw .serverError(message)
        default: throw .malformedReply("MEMORY USAGE did not answer with an integer")
        }
    }

    /// `PTTL key` and `DUMP key` for each key, pipelined: two replies per key.
    public static func dumpWithTTL(_ keys: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for key in keys {
            RESP.append([Array("PTTL".utf8), key], to: &out)
            RESP.append([Array("DUMP".utf8), key], to: &out)
        }
        return out
    }

    /// What `MEMORY USAGE`, `PTTL` and `DUMP` per key do, in one `EVAL` per batch: the source parses one
    /// command instead of three per key, which is what kept a copy behind `MIGRATE`. A key over `limit` is only
    /// sized; so is one past the script's `budget` of bytes, so a batch of big keys never holds the source's event
    /// loop for long (those are dumped afterwards, a command each, between other clients' commands).
    static let sizedDumpScript = """
        local limit, budget, out = tonumber(ARGV[1]), tonumber(ARGV[2]), {}
        for i, key in ipairs(KEYS) do
          local size = redis.call('MEMORY', 'USAGE', key)
          if not size then out[i] = 0
          elseif size > limit or size > budget then out[i] = size
          else budget = budget - size; out[i] = {redis.call('PTTL', key), redis.call('DUMP', key)} end
        end
        return out
        """

    public static func sizedDumps(_ keys: [[UInt8]], limit: Int64, budget: Int64) -> [UInt8] {
        var out: [UInt8] = []
        RESP.append([Array("EVAL".utf8), Array(sizedDumpScript.utf8), Array(String(keys.count).utf8)] + keys + [Array(String(limit).utf8), Array(String(budget).utf8)], to: &out)
        return out
    }

    /// Per key of `sizedDumps`: gone, sized only, or dumped.
    public enum SizedDump: Sendable, Equatable {
        case gone
        /// Not dumped (over the limit, or past the script's budget): its `MEMORY USAGE`.
        case sized(Int64)
        case dumped(Dumped)
    }

    public static func sizedDumpsReply(_ reply: [UInt8], count: Int) throws(WireError) -> [SizedDump] {
        let value = try decoded(reply)
        if case let .error(message) = value { throw .serverError(message) }
        guard case let .array(entries) = value, entries.count == count else { throw .malformedReply("the size-and-dump script did not answer one entry per key") }
        var dumps: [SizedDump] = []
        dumps.reserveCapacity(count)
        for entry in entries {
            guard let dump = sizedDump(entry) else {
                throw .malformedReply("the size-and-dump script answered an entry that is neither a size nor a dump")
            }
            dumps.append(dump)
        }
        return dumps
    }

    private static func sizedDump(_ entry: RESPValue) -> SizedDump? {
        switch entry {
        case .integer(0): return .gone
        case let .integer(size): return .sized(size)
        case let .array(parts):
            // DUMP found nothing (expired between the size and the dump): Lua ends the table at the nil.
            if parts.count == 1 { return .gone }
            guard parts.count == 2, case let .integer(pttl) = parts[0], case let .bulk(payload) = parts[1] else { return nil }
            return pttl == -2 ? .gone : .dumped(Dumped(ttlMilliseconds: pttl == -1 ? nil : pttl, payload: payload))
        default: return nil
        }
    }

    /// A key's serialized value and remaining lifetime.
    public struct Dumped: Sendable, Equatable {
        /// `nil`: no expiry.
        public var ttlMilliseconds: Int64?
        public var payload: [UInt8]
    }

    /// The replies of `PTTL` and `DUMP` for one key; `nil` when the key is gone (expired or deleted meanwhile).
    public static func dumpWithTTLReplies(_ replies: ArraySlice<[UInt8]>) throws(WireError) -> Dumped? {
        guard replies.count == 2 else { throw .malformedReply("expected PTTL and DUMP replies") }
        let ttl = try decoded(replies[replies.startIndex]), dump = try decoded(replies[replies.startIndex + 1])
        if case let .error(message) = ttl { throw .serverError(message) }
        guard case let .integer(pttl) = ttl else { throw .malformedReply("PTTL did not answer with an integer") }
        switch dump {
        case let .bulk(payload): return pttl == -2 ? nil : Dumped(ttlMilliseconds: pttl == -1 ? nil : pttl, payload: payload)
        case .null: return nil
        case let .error(message): throw .serverError(message)
        default: throw .malformedReply("DUMP did not answer with a string")
        }
    }

    /// `RESTORE key ttl payload` without `REPLACE`, so a value already on the target (newer) is never overwritten.
    /// `ttl` in milliseconds, 0 for no expiry.
    public static func restore(key: [UInt8], ttl: Int64, payload: [UInt8], into out: inout [UInt8]) {
        RESP.append([Array("RESTORE".utf8), key, Array("\(ttl)".utf8), payload], to: &out)
    }

    public enum RestoreOutcome: Sendable, Equatable {
        case stored
        /// `BUSYKEY`: the target already holds the key, a newer value than the copy.
        case alreadyPresent
        /// Redis refused it (`ERR DUMP payload version or checksum are wrong` for an RDB version mismatch).
        case refused(String)
    }

    public static func restoreReply(_ reply: [UInt8]) throws(WireError) -> RestoreOutcome {
        switch try decoded(reply) {
        case .simple("OK"): .stored
        case let .error(message) where message.hasPrefix("BUSYKEY"): .alreadyPresent
        case let .error(message): .refused(message)
        default: throw .malformedReply("RESTORE did not answer OK or an error")
        }
    }

    private static func decoded(_ reply: [UInt8]) throws(WireError) -> RESPValue {
        guard case let .value(value, _) = RESP.decode(reply) else { throw .malformedReply("undecodable RESP reply") }
        return value
    }
}

/// A connection to one Redis node for copying keys: every request is built by `RedisKeyCopy`, batches are
/// pipelined, and `restore` (the only write) passes the write gate before a byte is sent.
public final class RedisKeyCopyConnection: Sendable {
    private let connection: PipelinedConnection
    private let scriptRefused = Mutex(false)

    private init(_ connection: PipelinedConnection) {
        self.connection = connection
    }

    /// Connects and authenticates (`AUTH [user] password`) when `auth` is given.
    public static func connect(host: String, port: Int, limits: WireLimits, auth: RedisClient.Auth?) async throws -> RedisKeyCopyConnection {
        let connection = try await PipelinedConnection.connect(host: host, port: port, limits: limits, framer: RESP.frame)
        if let auth {
            let reply = try await connection.send(RESP.command(["AUTH"] + (auth.username.map { [$0] } ?? []) + [auth.password]), replies: 1)
            if case let .value(.error(message), _) = RESP.decode(reply[0]) {
                await connection.close()
                throw WireError.authenticationFailed(message)
            }
        }
        return RedisKeyCopyConnection(connection)
    }

    public func scan(cursor: String, count: Int) async throws -> (cursor: String, keys: [[UInt8]]) {
        try RedisKeyCopy.scanReply(try await connection.send(RedisKeyCopy.scan(cursor: cursor, count: count), replies: 1)[0])
    }

    public func memoryUsage(_ keys: [[UInt8]]) async throws -> [Int64?] {
        try await connection.send(RedisKeyCopy.memoryUsage(keys), replies: keys.count).map { try RedisKeyCopy.memoryUsageReply($0) }
    }

    /// `RedisKeyCopy.sizedDumps`, or `nil` when this server will not run it (scripting off or denied by ACL, or
    /// keys of several cluster slots): the caller asks with `memoryUsage` and `dumpWithTTL` instead, and so do
    /// later batches, unasked.
    public func sizedDumps(_ keys: [[UInt8]], limit: Int64, budget: Int64) async throws -> [RedisKeyCopy.SizedDump]? {
        guard !scriptRefused.withLock({ $0 }) else { return nil }
        let reply = try await connection.send(RedisKeyCopy.sizedDumps(keys, limit: limit, budget: budget), replies: 1)[0]
        let dumps = Result { () throws(WireError) in try RedisKeyCopy.sizedDumpsReply(reply, count: keys.count) }
        if case .failure(.serverError) = dumps {
            scriptRefused.withLock { $0 = true }
            return nil
        }
        return try dumps.get()
    }

    public func dumpWithTTL(_ keys: [[UInt8]]) async throws -> [RedisKeyCopy.Dumped?] {
        let replies = try await connection.send(RedisKeyCopy.dumpWithTTL(keys), replies: keys.count * 2)
        return try stride(from: 0, to: replies.count, by: 2).map { try RedisKeyCopy.dumpWithTTLReplies(replies[$0..<($0 + 2)]) }
    }

    public struct Restore: Sendable {
        public var key: [UInt8]
        /// Milliseconds, 0 for no expiry.
        public var ttl: Int64
        public var payload: [UInt8]

        public init(key: [UInt8], ttl: Int64, payload: [UInt8]) {
            self.key = key
            self.ttl = ttl
            self.payload = payload
        }
    }

    /// `RESTORE` each item without `REPLACE`. Refused, unsent, when the gate is closed.
    public func restore(_ items: [Restore], gate: WriteGate) async throws -> [RedisKeyCopy.RestoreOutcome] {
        do { try gate.permit("RESTORE \(items.count) keys") } catch { throw WireError.readOnly(error) }
        var request: [UInt8] = []
        for item in items { RedisKeyCopy.restore(key: item.key, ttl: item.ttl, payload: item.payload, into: &request) }
        return try await connection.send(request, replies: items.count).map { try RedisKeyCopy.restoreReply($0) }
    }

    /// Whether each key exists: re-reading the target after a copy.
    public func exists(_ keys: [[UInt8]]) async throws -> [Bool] {
        var request: [UInt8] = []
        for key in keys { RESP.append([Array("EXISTS".utf8), key], to: &request) }
        return try await connection.send(request, replies: keys.count).map { reply throws(WireError) in
            guard case let .value(.integer(count), _) = RESP.decode(reply) else { throw .malformedReply("EXISTS did not answer with an integer") }
            return count > 0
        }
    }

    public func close() async { await connection.close() }
}
