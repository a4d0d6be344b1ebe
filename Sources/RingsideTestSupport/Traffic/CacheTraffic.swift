import NIOCore
import RingsideCore
import RingsideWire

/// Known traffic for live tests: exactly `hits` reads of a present key and `misses` reads of absent keys, so a
/// test can assert the hit ratio ringside reports.
public enum CacheTraffic {
    static let limits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(5))

    /// Stores one key, then reads it `hits` times and reads `misses` absent keys (one `get` each).
    public static func memcached(port: Int, hits: Int, misses: Int, key: String = "ringside:traffic") async throws {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: port, limits: limits).get()
        defer { _ = connection.close() }
        let stored = try await connection.exchange(ByteBuffer(string: "set \(key) 0 0 2\r\nok\r\n"), framing: MemcachedFraming.singleLine).get()
        guard stored[0] == Array("STORED\r\n".utf8) else { throw WireError.serverError(String(decoding: stored[0], as: UTF8.self)) }
        let reads = Array(repeating: "get \(key)\r\n", count: hits) + (0..<misses).map { "get \(key):absent:\($0)\r\n" }
        _ = try await connection.exchange(ByteBuffer(string: reads.joined()), replies: reads.count, framing: MemcachedFraming.listing).get()
    }

    /// Sets one key, then `GET`s it `hits` times and `GET`s `misses` absent keys.
    public static func redis(port: Int, password: String? = nil, hits: Int, misses: Int, key: String = "ringside:traffic") async throws {
        var commands: [[String]] = password.map { [["AUTH", $0]] } ?? []
        commands.append(["SET", key, "ok"])
        commands += Array(repeating: ["GET", key], count: hits) + (0..<misses).map { ["GET", "\(key):absent:\($0)"] }
        try await redisCommands(port: port, commands)
    }

    /// Sends commands to a Redis server in one pipeline and returns the decoded replies.
    @discardableResult
    public static func redisCommands(port: Int, _ commands: [[String]]) async throws -> [RESPValue] {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: port, limits: limits).get()
        defer { _ = connection.close() }
        let replies = try await connection.exchange(ByteBuffer(bytes: commands.flatMap(RESP.command)), replies: commands.count, framing: RESP.framing).get()
        return replies.map { reply in
            if case let .value(value, _) = RESP.decode(reply) { value } else { .null }
        }
    }

    /// One command to an HAProxy Runtime API (non-interactive: one line, read to EOF).
    public static func haproxyCommand(port: Int, _ command: String) async throws -> String {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: port, limits: limits).get()
        let reply = try await connection.exchange(ByteBuffer(string: "\(command)\n"), framing: .untilClose).get()
        return String(decoding: reply[0], as: UTF8.self)
    }

    /// Waits until HAProxy's own health checks give `backend/server` the status `state` (5 s at most); returns
    /// whether they did.
    @discardableResult
    public static func waitForHAProxyStatus(port: Int, backend: String, server: String, state: HAProxyStatus.State) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let reply = try await haproxyCommand(port: port, "show stat -1 6 -1")
            let backends = try HAProxyStatParser.backends(fromShowStat: Array(reply.utf8)[...])
            let status = backends.first { $0.name == backend }?.servers.first { $0.name == server }?.status
            if status?.state == state { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
