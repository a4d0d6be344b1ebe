import NIOCore
import NIOPosix

/// How the demo's servers listen: on 127.0.0.1, one handler per connection, below Linux's ephemeral port range
/// (32768+). A port from `bind(0)` is an ephemeral one, and while a killed node is down any outgoing connection may
/// take it as its source port, so the node could not come back where it was. Below the range, nothing takes it.
enum ListeningPort {
    /// - Parameters:
    ///   - port: 0 for a free port; a restarted node asks for its old one.
    ///   - accepted: told of every accepted connection (to close them when the server is killed).
    ///   - handler: makes the handler of one connection.
    static func serve(
        port requested: Int = 0, accepted: (@Sendable (any Channel) -> Void)? = nil,
        handler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> any Channel {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted?(channel)
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
        if requested != 0 { return try await bootstrap.bind(host: "127.0.0.1", port: requested).get() }
        var lastError: (any Error)?
        for _ in 0..<100 {
            do {
                return try await bootstrap.bind(host: "127.0.0.1", port: Int.random(in: 20_000...32_767)).get()
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }
}
