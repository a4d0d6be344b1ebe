import RingsideCore

/// Talks to the HAProxy Runtime API over TCP in prompt mode, on one persistent connection: `prompt`, then
/// `set severity-output string` so errors are recognisable, then one command per line.
public struct HAProxyClient: Sendable {
    private let connection: PersistentConnection

    public init(host: String, port: Int, limits: WireLimits) {
        connection = PersistentConnection(host: host, port: port, limits: limits) { connection in
            _ = try await connection.exchange(Array("prompt\nset severity-output string\n".utf8), replies: 2, framing: HAProxyFraming.prompted)
        }
    }

    /// `show info`, `show stat -1 6 -1` (backends and servers) and `show servers state`, pipelined.
    /// An operator-level socket that refuses `show servers state` still gives the rest.
    public func poll() async throws -> HAProxySnapshot {
        let replies = try await commands(["show info", "show stat -1 6 -1", "show servers state"])
        let info = HAProxyStatParser.info(fromShowInfo: try replies[0].get())
        let backends = try HAProxyStatParser.backends(fromShowStat: try replies[1].get())
        let runtime = try? HAProxyStatParser.runtimeStates(fromServersState: try replies[2].get())
        return HAProxyStatParser.snapshot(info: info, backends: backends, runtime: runtime)
    }

    /// Sends commands in one write and returns each reply's text, or the error HAProxy answered for it.
    public func commands(_ commands: [String]) async throws -> [Result<String, WireError>] {
        precondition(commands.allSatisfy { !$0.contains("\n") }, "one command per line")
        let request = Array(commands.map { $0 + "\n" }.joined().utf8)
        let replies = try await connection.exchange(request, replies: commands.count, framing: HAProxyFraming.prompted)
        return replies.map { reply in
            Result { try HAProxyFraming.text(of: reply) }.mapError { $0 as? WireError ?? .malformedReply("\($0)") }
        }
    }

    public func close() async { await connection.close() }
}
