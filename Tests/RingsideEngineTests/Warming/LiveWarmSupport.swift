import Foundation
import Synchronization
import NIOCore
import NIOPosix
import RingsideCore
import RingsideTestSupport
import RingsideWire
@testable import RingsideEngine

let warmLimits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(5))

/// Raw commands to seed and inspect the real servers of the warm tests.
enum Seed {
    static func memcached(port: Int, _ request: [UInt8], replies: Int) async throws -> [String] {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: port, limits: warmLimits).get()
        defer { _ = connection.close() }
        let framing = ReplyFraming.scanned { bytes, _ in MemcachedKeyCopy.frame(bytes, at: 0) }
        return try await connection.exchange(ByteBuffer(bytes: request), replies: replies, framing: framing).get().map { String(decoding: $0, as: UTF8.self) }
    }

    /// `set` each item; returns when all are STORED.
    static func memcachedSet(port: Int, _ items: [(key: [UInt8], flags: UInt32, exptime: Int64, value: [UInt8])]) async throws {
        var request: [UInt8] = []
        for item in items { request += Array("set ".utf8) + item.key + Array(" \(item.flags) \(item.exptime) \(item.value.count)\r\n".utf8) + item.value + [13, 10] }
        let replies = try await memcached(port: port, request, replies: items.count)
        guard replies.allSatisfy({ $0 == "STORED\r\n" }) else { throw WireError.serverError("not stored: \(replies)") }
    }

    /// Value, flags and TTL of each key on a memcached node (`nil`: absent).
    static func memcachedGet(port: Int, _ keys: [[UInt8]]) async throws -> [MemcachedKeyCopy.Item?] {
        let connection = try await MemcachedKeyCopyConnection.connect(host: "127.0.0.1", port: port, limits: warmLimits)
        defer { Task { await connection.close() } }
        return try await connection.get(keys.map { MemcachedKeyCopy.keyToken($0)! })
    }

    @discardableResult
    static func redis(port: Int, password: String? = nil, _ commands: [[String]]) async throws -> [RESPValue] {
        Array(try await CacheTraffic.redisCommands(port: port, (password.map { [["AUTH", $0]] } ?? []) + commands).dropFirst(password == nil ? 0 : 1))
    }
}

/// A job between two nodes of one protocol, as the runner builds it.
func warmJob(
    kind: WarmKind = .clone, target: any WarmNode, source: any WarmNode, keys: WarmKeys = .listed(filter: nil),
    settings: WarmSettings = WarmSettings(), gate: WriteGate = .open
) -> WarmJob {
    WarmJob(
        kind: kind, ring: nil, targetName: "target", target: target, sources: [WarmSource(name: "source", node: source, keys: keys)],
        settings: settings, gate: gate, expectedKeys: nil)
}

/// Collects progress reports and runs a check on each (to cancel or stop a server mid-job).
final class ProgressWatch: Sendable {
    private let seen = Mutex<[WarmProgress]>([])
    let onEach: @Sendable (WarmProgress) -> Void

    init(onEach: @escaping @Sendable (WarmProgress) -> Void = { _ in }) {
        self.onEach = onEach
    }

    func record(_ progress: WarmProgress) {
        seen.withLock { $0.append(progress) }
        onEach(progress)
    }

    var count: Int { seen.withLock { $0.count } }
}

/// A warm runner on `fleet` for the tests, auditing into a fresh log.
func testWarmRunner(_ fleet: Fleet, gate: WriteGate = .open, auditLog: String? = nil) throws -> WarmRunner {
    let path = try auditLog ?? Daemon.scratchDirectory("warm-audit").appendingPathComponent("audit.jsonl").path
    return WarmRunner(actions: ActionRunner(
        fleet: fleet, gate: gate, audit: AuditLog(path: path), operatorIdentity: AuditOperator(user: "test", sudoUser: nil, sshClient: nil),
        host: "h", version: "v", group: MultiThreadedEventLoopGroup.singleton))
}

/// Two Redis nodes, the source holding `keys` small keys, and a job between them with these settings.
func populatedRedisJob(keys: Int, _ configure: (inout WarmSettings) -> Void) async throws -> (source: Daemon, target: Daemon, job: WarmJob) {
    let (source, target) = try await offCooperativePool { (try Daemons.redis(), try Daemons.redis()) }
    try await Seed.redis(port: source.port, [["EVAL", "for i = 1, \(keys) do redis.call('SET', 'key:' .. i, 'value') end", "0"]])
    var settings = WarmSettings()
    configure(&settings)
    let job = warmJob(
        target: try await RedisWarmNode.connect(host: "127.0.0.1", port: target.port, limits: warmLimits, auth: nil),
        source: try await RedisWarmNode.connect(host: "127.0.0.1", port: source.port, limits: warmLimits, auth: nil), settings: settings)
    return (source, target, job)
}
