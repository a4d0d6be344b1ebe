import NIOCore
import NIOPosix
import Synchronization

/// An in-process TCP server on 127.0.0.1 that misbehaves on purpose: what real daemons cannot do on demand
/// (hang, answer slowly, speak garbage, send a huge reply, close mid-reply, reset their counters).
public final class FakeServer: Sendable {
    /// What the server does with each request (one read that contains at least one line end).
    public enum Behaviour: Sendable {
        /// Accept and never answer.
        case silent
        /// Answer with these bytes; `request` counts requests across all connections, from 0.
        case reply(@Sendable (_ request: Int, _ bytes: [UInt8]) -> [UInt8])
        /// Answer after a delay.
        case delayed(Duration, @Sendable (_ request: Int, _ bytes: [UInt8]) -> [UInt8])
        /// Send these bytes, then close the connection.
        case replyThenClose([UInt8])
        /// Send `prefix`, then filler bytes until `totalBytes` are out (or the client hangs up).
        case flood(prefix: [UInt8], totalBytes: Int)
    }

    public let port: Int
    private let channel: any Channel
    private let requests = RequestCounter()

    public init(_ behaviour: Behaviour) async throws {
        let requests = self.requests
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FakeConnectionHandler(behaviour: behaviour, requests: requests))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// How many requests the server has seen.
    public var requestCount: Int { requests.count.withLock { $0 } }

    public var address: String { "127.0.0.1:\(port)" }

    public func stop() async {
        try? await channel.close()
    }
}

/// Requests seen across all connections of one fake server.
final class RequestCounter: Sendable {
    let count = Mutex(0)
}

private final class FakeConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behaviour: FakeServer.Behaviour
    let requests: RequestCounter
    private var pending: [UInt8] = []

    init(behaviour: FakeServer.Behaviour, requests: RequestCounter) {
        self.behaviour = behaviour
        self.requests = requests
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard pending.contains(10) else { return }
        let request = pending
        pending = []
        let number = requests.count.withLock { count in
            defer { count += 1 }
            return count
        }
        switch behaviour {
        case .silent:
            return
        case let .reply(answer):
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: answer(number, request))), promise: nil)
        case let .delayed(delay, answer):
            let bytes = answer(number, request)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .nanoseconds(delay.nanoseconds)) {
                let context = loopBound.value
                context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            }
        case let .replyThenClose(bytes):
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes))).whenComplete { _ in
                loopBound.value.close(promise: nil)
            }
        case let .flood(prefix, totalBytes):
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: prefix)), promise: nil)
            flood(context: context, remaining: totalBytes - prefix.count)
        }
    }

    /// Writes 1 MiB chunks one after another, so memory stays flat on the server side too.
    private func flood(context: ChannelHandlerContext, remaining: Int) {
        guard remaining > 0, context.channel.isActive else { return }
        let size = min(remaining, 1 << 20)
        let chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: size)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(chunk)).whenSuccess {
            let (handler, context) = loopBound.value
            handler.flood(context: context, remaining: remaining - size)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
