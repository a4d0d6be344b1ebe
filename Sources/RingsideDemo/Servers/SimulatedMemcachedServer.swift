import Foundation
import NIOCore
import NIOPosix
import RingsideCore

/// A memcached text-protocol server over a simulated node: `stats`, `stats settings`, `get`/`gets`, `set`,
/// `delete`, `version`; anything else gets `ERROR`, as memcached 1.6 answers an unknown command. Data blocks are
/// taken by their declared length.
enum SimulatedMemcachedServer {
    /// - Parameter port: 0 for a free port; a node restarted in a drill comes back on its old one.
    static func start(node: SimulatedNode, port: Int = 0, clock: @escaping @Sendable () -> Double) async throws -> Listener {
        try await Listener.start(port: port) { MemcachedSession(node: node, clock: clock) }
    }
}

private final class MemcachedSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let node: SimulatedNode
    let clock: @Sendable () -> Double
    private var pending: [UInt8] = []

    init(node: SimulatedNode, clock: @escaping @Sendable () -> Double) {
        self.node = node
        self.clock = clock
    }

    func channelActive(context: ChannelHandlerContext) {
        node.state.withLock { $0.connections += 1 }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        node.state.withLock { $0.connections -= 1 }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        var reply: [UInt8] = []
        while let lineEnd = pending.firstIndex(of: 10) {
            let line = String(decoding: pending[..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let words = line.split(separator: " ").map(String.init)
            if let command = words.first, command == "set" || command == "add" {
                guard words.count >= 5, let length = Int(words[4]) else {
                    pending.removeFirst(lineEnd + 1)
                    reply += Array("CLIENT_ERROR bad command line format\r\n".utf8)
                    continue
                }
                guard pending.count >= lineEnd + 1 + length + 2 else { break }  // the data block is not all here yet
                let value = Array(pending[(lineEnd + 1)..<(lineEnd + 1 + length)])
                pending.removeFirst(lineEnd + 1 + length + 2)
                reply += store(words[1], value: value, exptime: Double(words[3]) ?? 0)
            } else {
                pending.removeFirst(lineEnd + 1)
                reply += answer(words)
            }
        }
        guard !reply.isEmpty else { return }
        node.deliver(reply, on: context)
    }

    private func store(_ key: String, value: [UInt8], exptime: Double) -> [UInt8] {
        // A client's own `set` may evict; its sampling is seeded by the key, so runs stay reproducible.
        var random = SeededRandom(seed: FNV1a.hash64(key.utf8))
        let now = clock()
        let stored = node.state.withLock { $0.store.set(key, value: value, ttl: exptime > 0 ? exptime : nil, now: now, random: &random) }
        return Array((stored ? "STORED\r\n" : "SERVER_ERROR object too large for cache\r\n").utf8)
    }

    private func answer(_ words: [String]) -> [UInt8] {
        let now = clock()
        switch words.first {
        case "stats" where words.count == 1: return Array(stats(now: now).utf8)
        case "stats" where words.count == 2 && words[1] == "settings":
            return Array(listing(["maxbytes \(node.limitBytes)", "item_size_max 1048576", "lru_crawler yes", "dump_enabled yes", "evictions on"]).utf8)
        case "get", "gets":
            var out: [UInt8] = []
            for key in words.dropFirst() {
                if let item = node.state.withLock({ $0.store.get(key, now: now) }) {
                    out += Array("VALUE \(key) 0 \(item.value.count)\r\n".utf8) + item.value + [13, 10]
                }
            }
            return out + Array("END\r\n".utf8)
        case "version": return Array("VERSION 1.6.18-ringside-demo\r\n".utf8)
        default: return Array("ERROR\r\n".utf8)
        }
    }

    private func stats(now: Double) -> String {
        let state = node.state.withLock { $0 }
        let counters = state.store.counters
        return listing([
            "pid \(state.pid)", "uptime \(Int(now - state.startedAt))", "time \(Int(Date().timeIntervalSince1970))",
            "version 1.6.18-ringside-demo", "curr_connections \(state.connections)", "cmd_get \(counters.getHits + counters.getMisses)",
            "cmd_set \(counters.sets)", "get_hits \(counters.getHits)", "get_misses \(counters.getMisses)", "get_expired 0",
            "evictions \(counters.evictions)", "reclaimed \(counters.expired)", "crawler_reclaimed 0", "bytes \(state.store.bytes)",
            "limit_maxbytes \(node.limitBytes)", "curr_items \(state.store.itemCount)",
        ])
    }

    private func listing(_ lines: [String]) -> String { lines.map { "STAT \($0)\r\n" }.joined() + "END\r\n" }
}
