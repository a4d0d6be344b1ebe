import Foundation
import NIOCore
import NIOPosix
import RingsideCore
import RingsideWire

/// A Redis 7.0 server over a simulated node, for the commands ringside and its tests use: `PING`, `AUTH`
/// (password or user + password), `INFO`, `GET`, `SET`. Before `AUTH` a protected node answers `-NOAUTH`; an
/// unknown command gets Redis's own `-ERR unknown command` reply.
enum SimulatedRedisServer {
    /// - Parameter port: 0 for a free port; a node restarted in a drill comes back on its old one.
    static func start(node: SimulatedNode, password: String?, port: Int = 0, clock: @escaping @Sendable () -> Double) async throws -> Listener {
        let runID = String((0..<40).map { _ in "0123456789abcdef".randomElement()! })
        return try await Listener.start(port: port) { RedisSession(node: node, password: password, runID: runID, clock: clock) }
    }
}

private final class RedisSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let node: SimulatedNode
    let password: String?
    let runID: String
    let clock: @Sendable () -> Double
    private var pending: [UInt8] = []
    private var authenticated: Bool

    init(node: SimulatedNode, password: String?, runID: String, clock: @escaping @Sendable () -> Double) {
        self.node = node
        self.password = password
        self.runID = runID
        self.clock = clock
        authenticated = password == nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        var reply: [UInt8] = []
        while let (arguments, length) = Self.command(in: pending) {
            pending.removeFirst(length)
            reply += answer(arguments)
        }
        if !reply.isEmpty { node.deliver(reply, on: context) }
    }

    /// The first whole command in `bytes` (an array of bulk strings) and its length, or `nil` while incomplete.
    static func command(in bytes: [UInt8]) -> ([String], Int)? {
        guard case let .value(.array(items), length) = RESP.decode(bytes) else { return nil }
        return (items.compactMap(\.text), length)
    }

    private func answer(_ arguments: [String]) -> [UInt8] {
        guard let name = arguments.first?.uppercased() else { return error("ERR empty command") }
        node.state.withLock { $0.commandsProcessed += 1 }
        if name == "AUTH" {
            guard let password else { return error("ERR AUTH <password> called without any password configured for the default user.") }
            guard arguments.last == password, arguments.count == 2 || arguments.count == 3 else {
                return error("WRONGPASS invalid username-password pair or user is disabled.")
            }
            authenticated = true
            return Array("+OK\r\n".utf8)
        }
        guard authenticated else { return error("NOAUTH Authentication required.") }
        let now = clock()
        switch name {
        case "PING": return Array("+PONG\r\n".utf8)
        case "INFO": return bulk(info(now: now))
        case "GET" where arguments.count == 2:
            guard let item = node.state.withLock({ $0.store.get(arguments[1], now: now) }) else { return Array("$-1\r\n".utf8) }
            return bulk(String(decoding: item.value, as: UTF8.self))
        case "SET" where arguments.count >= 3:
            var random = SeededRandom(seed: FNV1a.hash64(arguments[1].utf8))
            node.state.withLock { _ = $0.store.set(arguments[1], value: Array(arguments[2].utf8), ttl: nil, now: now, random: &random) }
            return Array("+OK\r\n".utf8)
        default:
            let rest = arguments.dropFirst().prefix(3).map { "'\($0)'" }.joined(separator: " ")
            return error("ERR unknown command '\(arguments[0])', with args beginning with: \(rest) ")
        }
    }

    private func info(now: Double) -> String {
        let state = node.state.withLock { $0 }
        let counters = state.store.counters
        let lines = [
            "# Server", "redis_version:7.0.15", "redis_mode:standalone", "run_id:\(runID)", "process_id:\(state.pid)",
            "uptime_in_seconds:\(Int(now - state.startedAt))", "", "# Clients", "connected_clients:\(state.connections + 1)", "",
            "# Memory", "used_memory:\(state.store.bytes)", "maxmemory:\(node.limitBytes)", "maxmemory_policy:allkeys-lru", "",
            "# Stats", "total_commands_processed:\(state.commandsProcessed + counters.getHits + counters.getMisses + counters.sets)",
            "instantaneous_ops_per_sec:0", "keyspace_hits:\(counters.getHits)", "keyspace_misses:\(counters.getMisses)",
            "evicted_keys:\(counters.evictions)", "expired_keys:\(counters.expired)", "", "# Replication", "role:master",
            "connected_slaves:0", "", "# Keyspace", "db0:keys=\(state.store.itemCount),expires=\(state.store.itemCount),avg_ttl=0",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func bulk(_ text: String) -> [UInt8] { Array("$\(text.utf8.count)\r\n\(text)\r\n".utf8) }
    private func error(_ text: String) -> [UInt8] { Array("-\(text)\r\n".utf8) }
}
