import NIOCore
import NIOPosix
import Synchronization

/// A long listing read line by line as it arrives (`lru_crawler metadump all` over millions of items), with
/// backpressure: the socket is read only as fast as the consumer takes lines, so memory stays bounded by a few
/// reads whatever the listing's size. A server that stops sending while lines are wanted fails with a timeout.
public enum LineStream {
    /// Connects, sends `request`, and hands `body` the lines (without `\n` or `\r\n`) a read at a time, until
    /// `body` returns `false` or the server closes. The connection is closed on return.
    public static func read(
        host: String, port: Int, limits: WireLimits, request: [UInt8],
        on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next(),
        _ body: ([[UInt8]]) async throws -> Bool
    ) async throws {
        let deadline = ReadDeadline(limit: limits.requestTimeout)
        let channel: NIOAsyncChannel<[[UInt8]], ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(deadline)
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineChunkDecoder(maxLineBytes: 64 << 10)))
                        return try NIOAsyncChannel<[[UInt8]], ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw WireConnection.classify(connectError: error, limits: limits)
        }
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: request))
                for try await lines in inbound {
                    guard try await body(lines) else { return }
                }
            }
        } catch let error as ChannelError {
            // The deadline closes the channel, so what fails first may be a write or the stream's end.
            throw deadline.hasFired ? WireError.replyTimeout(limits.requestTimeout) : WireError.connectionFailed("the connection failed: \(error)")
        } catch let error as IOError {
            throw WireError.connectionFailed("the connection failed: \(error.description)")
        }
    }
}

/// Every whole line of a read, as one message: a message per line would cost a task switch per key.
private struct LineChunkDecoder: ByteToMessageDecoder {
    typealias InboundOut = [[UInt8]]
    let maxLineBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        var lines: [[UInt8]] = []
        while let newline = buffer.readableBytesView.firstIndex(of: 10) {
            let length = newline - buffer.readerIndex
            var line = buffer.readBytes(length: length) ?? []
            buffer.moveReaderIndex(forwardBy: 1)
            if line.last == 13 { line.removeLast() }
            lines.append(line)
        }
        if buffer.readableBytes > maxLineBytes { throw WireError.malformedReply("a line longer than \(maxLineBytes / 1024) KiB") }
        if lines.isEmpty { return .needMoreData }
        context.fireChannelRead(NIOAny(lines))
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        _ = try decode(context: context, buffer: &buffer)
        return .needMoreData
    }
}

/// Fails the channel when a read the consumer asked for brings nothing within `limit` of the request being
/// sent (the clock starts at the request, so a slow connect or a loaded machine before it never counts). It sits
/// below the async channel's backpressure, so a consumer that is busy (rate-limited) never counts against the
/// server.
private final class ReadDeadline: ChannelDuplexHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let limit: Duration
    private let state = Mutex(State())

    private struct State {
        var requestSent = false
        var readWanted = false
        var fired = false
        var pending: Scheduled<Void>?
    }

    init(limit: Duration) {
        self.limit = limit
    }

    /// Whether the deadline closed the channel: the error that reaches the caller may be the close's, not ours.
    var hasFired: Bool { state.withLock(\.fired) }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        state.withLock { $0.requestSent = true }
        armIfWanted(context: context)
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        state.withLock { $0.readWanted = true }
        armIfWanted(context: context)
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        state.withLock { state in
            state.pending?.cancel()
            state.pending = nil
            state.readWanted = false
        }
        context.fireChannelRead(data)
    }

    private func armIfWanted(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        state.withLock { state in
            guard state.requestSent, state.readWanted, state.pending == nil else { return }
            let limit = self.limit
            state.pending = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(limit.nanoseconds)) { [self] in
                self.state.withLock { $0.fired = true }
                bound.value.fireErrorCaught(WireError.replyTimeout(limit))
                bound.value.close(promise: nil)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.withLock { state in
            state.pending?.cancel()
            state.pending = nil
        }
        context.fireChannelInactive()
    }
}
