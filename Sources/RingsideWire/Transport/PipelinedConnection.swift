import DequeModule
import NIOCore
import NIOPosix

/// Where the reply starting at `start` in `bytes` ends, its length counted from `start`: a protocol's framer
/// over a stream of replies. Pure, like the poll framers.
typealias StreamFramer = @Sendable (_ bytes: [UInt8], _ start: Int) -> FrameScan

/// One connection for bulk work (warming a cache): several batches of requests in flight at once, their replies
/// matched to them in order. The poll path's `PersistentConnection` sends one request at a time and may resend
/// it; bulk writes must never be resent behind the caller's back, and must keep the server busy.
///
/// A batch that gets no whole answer within the request deadline fails, and with it the connection and every
/// batch behind it: a hung server ends the job with an error instead of a hang.
final class PipelinedConnection: Sendable {
    private let channel: any Channel
    private let matcher: NIOLoopBound<ReplyMatcher>
    let limits: WireLimits

    private init(channel: any Channel, matcher: NIOLoopBound<ReplyMatcher>, limits: WireLimits) {
        self.channel = channel
        self.matcher = matcher
        self.limits = limits
    }

    static func connect(
        host: String, port: Int, limits: WireLimits, framer: @escaping StreamFramer,
        on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) async throws -> PipelinedConnection {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(StreamFrameDecoder(framer: framer, maxReplyBytes: limits.maxReplyBytes)))
                    try channel.pipeline.syncOperations.addHandler(ReplyMatcher())
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port)
            .flatMapErrorThrowing { throw WireConnection.classify(connectError: $0, limits: limits) }.get()
        let matcher = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: ReplyMatcher.self), eventLoop: channel.eventLoop)
        }.get()
        return PipelinedConnection(channel: channel, matcher: matcher, limits: limits)
    }

    /// Sends `request` (`replies` commands) and returns their replies, raw, in order. Internal: the typed key-copy
    /// clients of this module build every request, and the ones that write pass the write gate first.
    func send(_ request: [UInt8], replies: Int) async throws -> [[UInt8]] {
        let deadline = limits.requestTimeout
        return try await channel.eventLoop.flatSubmit { [channel, matcher] in
            let promise = channel.eventLoop.makePromise(of: [[UInt8]].self)
            matcher.value.expect(replies, promise: promise, within: .nanoseconds(deadline.nanoseconds), channel: channel)
            if replies > 0 { channel.writeAndFlush(ByteBuffer(bytes: request), promise: nil) }
            return promise.futureResult
        }.get()
    }

    func close() async {
        try? await channel.close()
    }
}

/// Cuts the byte stream into replies with the protocol's framer (NIO's decoder keeps the bytes between reads).
private struct StreamFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = [UInt8]
    let framer: StreamFramer
    let maxReplyBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let bytes = Array(buffer.readableBytesView)
        var offset = 0
        scanning: while offset < bytes.count {
            switch framer(bytes, offset) {
            case let .complete(length):
                context.fireChannelRead(NIOAny(Array(bytes[offset..<(offset + length)])))
                offset += length
            case .incomplete:
                break scanning
            case let .invalid(reason):
                throw WireError.malformedReply(reason)
            }
        }
        buffer.moveReaderIndex(forwardBy: offset)
        if buffer.readableBytes > maxReplyBytes { throw WireError.replyTooLarge(limit: maxReplyBytes) }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        return .needMoreData
    }
}

/// Hands each reply to the oldest batch still waiting; fails them all when the stream can no longer be trusted.
private final class ReplyMatcher: ChannelInboundHandler {
    typealias InboundIn = [UInt8]

    private final class Waiting {
        let count: Int
        var replies: [[UInt8]] = []
        let promise: EventLoopPromise<[[UInt8]]>
        var timeout: Scheduled<Void>?

        init(count: Int, promise: EventLoopPromise<[[UInt8]]>) {
            self.count = count
            self.promise = promise
        }
    }

    private var waiting: Deque<Waiting> = []
    private var failure: WireError?

    func expect(_ count: Int, promise: EventLoopPromise<[[UInt8]]>, within deadline: TimeAmount, channel: any Channel) {
        if let failure { return promise.fail(failure) }
        guard count > 0 else { return promise.succeed([]) }
        let entry = Waiting(count: count, promise: promise)
        let limit = Duration.nanoseconds(deadline.nanoseconds)
        entry.timeout = channel.eventLoop.assumeIsolated().scheduleTask(in: deadline) { [weak self, weak entry] in
            guard let self, let entry, self.waiting.contains(where: { $0 === entry }) else { return }
            self.failAll(entry.replies.isEmpty ? .replyTimeout(limit) : .incompleteReply(
                receivedBytes: entry.replies.reduce(0) { $0 + $1.count }, within: limit, start: WireError.preview(entry.replies[0])))
            channel.close(promise: nil)
        }
        waiting.append(entry)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard let head = waiting.first else {
            failAll(.malformedReply("a reply nobody asked for: \(WireError.preview(reply))"))
            context.close(promise: nil)
            return
        }
        head.replies.append(reply)
        if head.replies.count == head.count {
            waiting.removeFirst()
            head.timeout?.cancel()
            head.promise.succeed(head.replies)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.closedMidReply(receivedBytes: waiting.first?.replies.reduce(0) { $0 + $1.count } ?? 0))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error as? WireError ?? .connectionFailed("\(error)"))
        context.close(promise: nil)
    }

    private func failAll(_ error: WireError) {
        failure = failure ?? error
        while let entry = waiting.popFirst() {
            entry.timeout?.cancel()
            entry.promise.fail(failure ?? error)
        }
    }
}
