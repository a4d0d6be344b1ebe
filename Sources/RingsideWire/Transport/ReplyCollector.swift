#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A request in flight: the bytes to send, how many replies to expect, how they end, and whom to tell.
///
/// A class, because the collector reads it on every chunk of a reply: copying a struct of five reference-counted
/// fields each time showed as a few percent of the poll's CPU.
final class PendingExchange: Sendable {
    let request: ByteBuffer
    let replyCount: Int
    let framing: ReplyFraming
    let deadline: TimeAmount
    let completion: Completion<[[UInt8]]>

    init(request: ByteBuffer, replyCount: Int, framing: ReplyFraming, deadline: TimeAmount, completion: @escaping Completion<[[UInt8]]>) {
        self.request = request
        self.replyCount = replyCount
        self.framing = framing
        self.deadline = deadline
        self.completion = completion
    }
}

/// Collects the replies of one exchange at a time on a connection: frames them with the protocol's pure framer,
/// enforces the deadline and the size cap, and closes the connection whenever the stream can no longer be
/// trusted (timeout, garbage, oversized reply), so the next request starts clean.
final class ReplyCollector: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PendingExchange
    typealias OutboundOut = ByteBuffer

    private let maxReplyBytes: Int
    private var pending: PendingExchange?
    private var received: [UInt8] = []
    private var resumeAt = 0
    private var replies: [[UInt8]] = []
    /// Bumped when an exchange starts and when it ends, so a deadline that comes due after its exchange ended is
    /// recognised and ignored (deadlines are coalesced timers, never cancelled).
    private var generation = 0
    private var timers: CoalescedTimers?

    /// - Parameter awaiting: an exchange already waiting when the connection opens, for servers that speak
    ///   first and close (twemproxy's stats port sends its document before any request could be written).
    init(maxReplyBytes: Int, awaiting: PendingExchange? = nil) {
        self.maxReplyBytes = maxReplyBytes
        self.pending = awaiting
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let pending { scheduleDeadline(pending.deadline, context: context) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        guard pending == nil else {
            exchange.completion(.failure(WireError.connectionFailed("a request is already in flight on this connection")))
            promise?.succeed()
            return
        }
        guard context.channel.isActive else {
            // A write on a closed channel fails only its write promise, which the exchange does not wait on.
            exchange.completion(.failure(WireError.closedMidReply(receivedBytes: 0)))
            promise?.succeed()
            return
        }
        pending = exchange
        received.removeAll(keepingCapacity: true)
        replies = []
        resumeAt = 0
        scheduleDeadline(exchange.deadline, context: context)
        context.write(wrapOutboundOut(exchange.request), promise: promise)
        if exchange.replyCount == 0 { finish(context: context, with: .success([]), close: false) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let exchange = pending else { return }  // unsolicited bytes after a failure: the channel is closing
        guard received.count + buffer.readableBytes <= maxReplyBytes else {
            finish(context: context, with: .failure(WireError.replyTooLarge(limit: maxReplyBytes)), close: true)
            return
        }
        if received.isEmpty {
            // Most replies arrive in one read: one allocation of the right size, not a series of doublings.
            received = Array(buffer.readableBytesView)
        } else {
            buffer.withUnsafeReadableBytes { received.append(contentsOf: $0) }
        }
        guard case let .scanned(scan) = exchange.framing else { return }
        while pending != nil {
            switch scan(received, resumeAt) {
            case let .complete(length) where length == received.count:
                // The usual case: the bytes are exactly one reply, handed over without a copy.
                replies.append(received)
                received = []
                resumeAt = 0
                if replies.count == exchange.replyCount { finish(context: context, with: .success(replies), close: false) }
            case let .complete(length):
                replies.append(Array(received[..<length]))
                received.removeFirst(length)
                resumeAt = 0
                if replies.count == exchange.replyCount {
                    let leftover = received.count
                    finish(context: context, with: .success(replies), close: leftover > 0)
                }
            case let .incomplete(next):
                resumeAt = next
                return
            case let .invalid(reason):
                finish(context: context, with: .failure(WireError.malformedReply(reason)), close: true)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let exchange = pending {
            if case .untilClose = exchange.framing {
                finish(context: context, with: .success([received]), close: false)
            } else {
                finish(context: context, with: .failure(WireError.closedMidReply(receivedBytes: received.count)), close: false)
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let wireError: WireError
        if let io = error as? IOError, io.errnoCode == ECONNRESET || io.errnoCode == EPIPE {
            wireError = .connectionReset
        } else {
            wireError = .connectionFailed("\(error)")
        }
        finish(context: context, with: .failure(wireError), close: true)
    }

    private func scheduleDeadline(_ deadline: TimeAmount, context: ChannelHandlerContext) {
        generation += 1
        let exchange = generation
        let timers = self.timers ?? CoalescedTimers.on(context.eventLoop)
        self.timers = timers
        timers.schedule(at: .now() + deadline) { [weak self] in
            guard let self, self.generation == exchange else { return }
            self.finish(context: context, with: .failure(WireError.replyTimeout(.nanoseconds(deadline.nanoseconds))), close: true)
        }
    }

    private func finish(context: ChannelHandlerContext, with result: Result<[[UInt8]], WireError>, close: Bool) {
        guard let exchange = pending else { return }
        pending = nil
        generation += 1  // its deadline, still to come, is now stale
        received = []
        if close { context.close(promise: nil) }
        exchange.completion(result.mapError { $0 as any Error })
    }
}
