import NIOCore
import NIOPosix
import Synchronization

/// A listening demo server: a port on 127.0.0.1, one handler per connection, and a stop that also drops every
/// client (a killed server's connections die with it, whatever protocol it speaks).
///
/// Ports come from below Linux's ephemeral range (32768+). A port from `bind(0)` is an ephemeral one, and while a
/// killed node is down any outgoing connection may take it as its source port, so the node could not come back
/// where it was. Below the range, nothing takes it.
final class Listener: Sendable {
    let port: Int
    private let channel: any Channel
    private let clients: ClientChannels

    /// - Parameters:
    ///   - port: 0 for a free port; a restarted node asks for its old one.
    ///   - handler: makes the handler of one connection.
    static func start(port requested: Int = 0, handler: @escaping @Sendable () -> any ChannelHandler) async throws -> Listener {
        let clients = ClientChannels()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                clients.add(channel)
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
        if requested != 0 { return Listener(try await bootstrap.bind(host: "127.0.0.1", port: requested).get(), clients) }
        var lastError: (any Error)?
        for _ in 0..<100 {
            do {
                return Listener(try await bootstrap.bind(host: "127.0.0.1", port: Int.random(in: 20_000...32_767)).get(), clients)
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    private init(_ channel: any Channel, _ clients: ClientChannels) {
        self.channel = channel
        self.clients = clients
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
        for client in clients.all { try? await client.close() }
    }
}

/// The connections a listener has accepted and not yet seen close.
private final class ClientChannels: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { _ in _ = self.channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }
    }

    var all: [any Channel] { channels.withLock { Array($0.values) } }
}
