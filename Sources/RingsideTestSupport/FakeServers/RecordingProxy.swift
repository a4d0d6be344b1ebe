import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy in front of a real server that records every byte its clients send: the proof that a read-only
/// ringside never writes a change, whatever keys or commands are tried, with the real server's answers.
/// A request with a line that `holds` matches is recorded but never passed on: the server seems to hang on it
/// (for what happens to an action when ringside dies mid-send).
public final class RecordingProxy: Sendable {
    public let port: Int
    private let channel: any Channel
    private let recorded: Recorded

    public init(upstreamPort: Int, holds: @escaping @Sendable (String) -> Bool = { _ in false }) async throws {
        let recorded = Recorded(holds: holds)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                // The upstream connection shares the client's loop, so both handlers live on one thread; the
                // client's bytes are read only once the upstream is connected.
                ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        outbound.eventLoop.makeCompletedFuture { try outbound.pipeline.syncOperations.addHandler(Forward(to: inbound, record: nil)) }
                    }
                    .connect(host: "127.0.0.1", port: upstreamPort)
                    .flatMapThrowing { outbound in try inbound.pipeline.syncOperations.addHandler(Forward(to: outbound, record: recorded)) }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
        self.recorded = recorded
    }

    /// Every line clients have sent, across connections, in arrival order per connection.
    public var lines: [String] {
        recorded.bytes.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init)
    }

    public func stop() async {
        try? await channel.close()
    }
}

private final class Recorded: Sendable {
    let bytes = Mutex<[UInt8]>([])
    let holds: @Sendable (String) -> Bool

    init(holds: @escaping @Sendable (String) -> Bool) {
        self.holds = holds
    }
}

private final class Forward: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let peer: any Channel
    private let record: Recorded?

    init(to peer: any Channel, record: Recorded?) {
        self.peer = peer
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let record {
            record.bytes.withLock { $0 += buffer.readableBytesView }
            if String(decoding: buffer.readableBytesView, as: UTF8.self).split(separator: "\n").contains(where: { record.holds(String($0)) }) { return }
        }
        peer.writeAndFlush(buffer, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
