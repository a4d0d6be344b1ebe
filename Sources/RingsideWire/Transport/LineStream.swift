import NIOCore
import NIOPosix

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
        let deadline = TimeAmount.nanoseconds(limits.requestTimeout.nanoseconds)
        let channel: NIOAsyncChannel<[[UInt8]], ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ReadDeadline(limit: deadline))
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineChunkDecoder(maxLineBytes: 64 << 10)))
                        return try NIOAsyncChannel<[[UInt8]], ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw WireConnection.classify(connectError: error, limits: limits)
        }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: request))
            for try await lines in inbound {
                guard try await body(lines) else { return }
            }
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

/// Fails the channel when a read the consumer asked for brings nothing within `limit`. It sits below the
/// async channel's backpressure, so a consumer that is busy (rate-limited) never counts against the server.
private final class ReadDeadline: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let limit: TimeAmount
    private var pending: Scheduled<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func read(context: ChannelHandlerContext) {
        if pending == nil {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let duration = Duration.nanoseconds(limit.nanoseconds)
            pending = context.eventLoop.assumeIsolated().scheduleTask(in: limit) {
                bound.value.fireErrorCaught(WireError.replyTimeout(duration))
                bound.value.close(promise: nil)
            }
        }
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending?.cancel()
        pending = nil
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
        context.fireChannelInactive()
    }
}
