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
        let fired = ReadDeadline.Fired()
        let channel: NIOAsyncChannel<[[UInt8]], ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ReadDeadline(limit: limits.requestTimeout, fired: fired))
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
            throw fired.value ? WireError.replyTimeout(limits.requestTimeout) : WireError.connectionFailed("the connection failed: \(error)")
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
/// server. Its state lives on the channel's event loop; only `fired` is shared, with the caller.
private final class ReadDeadline: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Set when the deadline closed the channel: the error that reaches the caller may be the close's, not ours.
    final class Fired: Sendable {
        private let flag = Atomic(false)
        var value: Bool { flag.load(ordering: .acquiring) }
        func set() { flag.store(true, ordering: .releasing) }
    }

    let limit: Duration
    let fired: Fired
    private var requestSent = false
    private var readWanted = false
    private var pending: Scheduled<Void>?

    init(limit: Duration, fired: Fired) {
        self.limit = limit
        self.fired = fired
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        requestSent = true
        armIfWanted(context: context)
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        readWanted = true
        armIfWanted(context: context)
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        disarm()
        readWanted = false
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    private func armIfWanted(context: ChannelHandlerContext) {
        guard requestSent, readWanted, pending == nil else { return }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let (limit, fired) = (limit, fired)
        pending = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(limit.nanoseconds)) {
            fired.set()
            bound.value.fireErrorCaught(WireError.replyTimeout(limit))
            bound.value.close(promise: nil)
        }
    }

    private func disarm() {
        pending?.cancel()
        pending = nil
    }
}
