import NIOCore
import NIOPosix
import RingsideCore

/// Talks to the HAProxy Runtime API over TCP in prompt mode, on one persistent connection: `prompt`, then
/// `set severity-output string` so errors are recognisable, then one command per line.
public struct HAProxyClient: Sendable {
    private let connection: PersistentConnection

    /// - Parameter eventLoop: where the connection lives; give the caller's own loop to avoid thread hops.
    public init(host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        connection = PersistentConnection(host: host, port: port, limits: limits, on: eventLoop) { connection in
            connection.exchange(ByteBuffer(string: "prompt\nset severity-output string\n"), replies: 2, framing: HAProxyFraming.prompted).map { _ in }
        }
    }

    /// `show info`, `show stat -1 6 -1` (backends and servers) and `show servers state`, pipelined.
    /// An operator-level socket that refuses `show servers state` still gives the rest.
    public func poll(then completion: @escaping Completion<HAProxySnapshot>) {
        connection.exchange(pollRequest, replies: 3, framing: HAProxyFraming.prompted) { replies in
            completion(Result { try Self.snapshot(from: replies.get()) })
        }
    }

    public func poll() -> EventLoopFuture<HAProxySnapshot> { connection.eventLoop.future(of: poll(then:)) }

    static func snapshot(from replies: [[UInt8]]) throws -> HAProxySnapshot {
        let info = HAProxyStatParser.info(fromShowInfo: try HAProxyFraming.body(of: replies[0]))
        let backends = try HAProxyStatParser.backends(fromShowStat: try HAProxyFraming.body(of: replies[1]))
        let runtime = try? HAProxyStatParser.runtimeStates(fromServersState: try HAProxyFraming.body(of: replies[2]))
        return HAProxyStatParser.snapshot(info: info, backends: backends, runtime: runtime)
    }

    /// The client's own copy, like memcached's: not a buffer whose reference count every loop bounces.
    private let pollRequest = ByteBuffer(string: "show info\nshow stat -1 6 -1\nshow servers state\n")

    /// Read commands (`show …`, `get …`, `help`) in one write: each reply's text, or the error HAProxy answered.
    /// Anything else is refused without a byte sent: changes go through `apply(_:gate:)`.
    public func read(_ commands: [String]) -> EventLoopFuture<[Result<String, WireError>]> {
        if let change = commands.first(where: { !Self.isRead($0) }) {
            return connection.eventLoop.makeFailedFuture(WireError.notARead(change))
        }
        return send(commands)
    }

    /// The one path by which a change reaches HAProxy: the gate is asked here, in the layer that writes, so no key,
    /// menu or command line can get round it. Each reply verbatim (success is empty), or the error HAProxy answered.
    public func apply(_ commands: [HAProxyCommand], gate: WriteGate) -> EventLoopFuture<[Result<String, WireError>]> {
        for command in commands {
            do throws(ReadOnlyRefusal) {
                try gate.permit(command.line)
            } catch {
                return connection.eventLoop.makeFailedFuture(WireError.readOnly(error))
            }
        }
        return send(commands.map(\.line))
    }

    /// Commands that change nothing on the server.
    static func isRead(_ line: String) -> Bool {
        ["show ", "get ", "help"].contains { line.hasPrefix($0) } || line == "help"
    }

    private func send(_ commands: [String]) -> EventLoopFuture<[Result<String, WireError>]> {
        precondition(commands.allSatisfy { !$0.contains("\n") }, "one command per line")
        let request = ByteBuffer(string: commands.map { $0 + "\n" }.joined())
        return connection.exchange(request, replies: commands.count, framing: HAProxyFraming.prompted).map { replies in
            replies.map { reply in
                Result { try HAProxyFraming.text(of: reply) }.mapError { $0 as? WireError ?? .malformedReply("\($0)") }
            }
        }
    }

    public func close() -> EventLoopFuture<Void> { connection.close() }
}
