#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A request in flight: the bytes to send, how many replies to expect, how they end, and whom to tell.
///
/// A class, because the collector reads it on every chunk of a reply: copying a struct of five reference-counted
/// fields each time showed as a few percent of the poll's CPU. Not final: a persistent connection's exchanges
/// route their outcome through the connection (`complete`), which may resend them, without wrapping the
/// completion in another closure. Lives on the connection's loop.
class PendingExchange {
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

    /// Called by the collector, once per `start`, with the exchange's outcome.
    func complete(_ result: Result<[[UInt8]], any Error>) {
        completion(result)
    }
}

/// Collects the replies of one exchange at a time on a connection: frames them with the protocol's pure framer,
/// enforces the deadline and the size cap, and closes the connection whenever the stream can no longer be
/// trusted (timeout, garbage, oversized reply), so the next request starts clean.
///
/// The connection hands each exchange to `start` directly rather than writing it down the pipeline: a pipeline
/// write of anything but bytes costs four failed dynamic casts (`NIOAny`), a few percent of the poll's CPU.
final class ReplyCollector: ChannelInboundHandler, CoalescedTimerTarget {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A reply buffer up to this size is kept for the next exchange: a poll's reply (a few KB) then costs no
    /// allocation, and a rare huge reply is not held on to.
    private static let keptBufferCapacity = 64 << 10

    private let maxReplyBytes: Int
    private var context: ChannelHandlerContext?
    /// Set by `channelInactive`: cheaper to ask than the channel, which copies its lifecycle state to answer.
    private var isClosed = false
    private var pending: PendingExchange?
    private var received: [UInt8] = []
    private var resumeAt = 0
    private var replies: [[UInt8]] = []
    /// Whether `received` and `replies` still hold what the last exchange delivered. They are cleared once its
    /// reader is done, so `start` need not touch them (on a thousand connections, that is a cache miss each).
    private var buffersHandedOut = false
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
        self.context = context
        if let pending { scheduleDeadline(pending.deadline, context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends the exchange's request and collects its replies. Call on the channel's loop.
    func start(_ exchange: PendingExchange) {
        guard pending == nil else {
            return exchange.complete(.failure(WireError.connectionFailed("a request is already in flight on this connection")))
        }
        guard let context, !isClosed else {
            return exchange.complete(.failure(WireError.closedMidReply(receivedBytes: 0)))
        }
        pending = exchange
        if buffersHandedOut { clearBuffers() }  // started from the previous exchange's completion
        resumeAt = 0
        scheduleDeadline(exchange.deadline, context: context)
        // No write promise: a failed write closes the channel, and `channelInactive` then fails the exchange.
        context.writeAndFlush(wrapOutboundOut(exchange.request), promise: nil)
        if exchange.replyCount == 0 { finish(context: context, close: false) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let exchange = pending else { return }  // unsolicited bytes after a failure: the channel is closing
        guard received.count + buffer.readableBytes <= maxReplyBytes else {
            finish(context: context, failing: .replyTooLarge(limit: maxReplyBytes), close: true)
            return
        }
        buffer.withUnsafeReadableBytes { received.append(contentsOf: $0) }
        guard case let .scanned(scan) = exchange.framing else { return }
        while pending != nil {
            switch scan(received, resumeAt) {
            case let .complete(length) where length == received.count:
                // The usual case: the bytes are exactly one reply, handed over without a copy. After the last
                // reply `finish` takes the buffer back for the next exchange once the reader has let go of it.
                replies.append(received)
                resumeAt = 0
                if replies.count == exchange.replyCount { finish(context: context, close: false) } else { received = [] }
            case let .complete(length):
                replies.append(Array(received[..<length]))
                received.removeFirst(length)
                resumeAt = 0
                if replies.count == exchange.replyCount {
                    let leftover = received.count
                    finish(context: context, close: leftover > 0)
                }
            case let .incomplete(next):
                resumeAt = next
                return
            case let .invalid(reason):
                finish(context: context, failing: .malformedReply(reason), close: true)
            }
        }
    }

    /// The collector is the pipeline's last handler and reads are its business: nothing after it wants to know
    /// that one ended, so the event is not passed on (one pipeline hop less per reply).
    func channelReadComplete(context: ChannelHandlerContext) {}

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        if let exchange = pending {
            if case .untilClose = exchange.framing {
                replies = [received]
                finish(context: context, close: false)
            } else {
                finish(context: context, failing: .closedMidReply(receivedBytes: received.count), close: false)
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let wireError: WireError
        if let io = error as? IOError, io.errnoCode == ECONNRESET || io.errnoCode == EPIPE {
            wireError = .connectionReset(receivedBytes: received.count + replies.reduce(0) { $0 + $1.count })
        } else {
            wireError = .connectionFailed("\(error)")
        }
        finish(context: context, failing: wireError, close: true)
    }

    private func scheduleDeadline(_ deadline: TimeAmount, context: ChannelHandlerContext) {
        generation += 1
        let timers = self.timers ?? CoalescedTimers.on(context.eventLoop)
        self.timers = timers
        timers.schedule(at: .now() + deadline, wake: self, token: generation)
    }

    /// A deadline came due: unless its exchange already ended, the reply is late.
    func timerFired(token: Int) {
        guard token == generation, let context, let exchange = pending else { return }
        let limit = Duration.nanoseconds(exchange.deadline.nanoseconds)
        let receivedBytes = received.count + replies.reduce(0) { $0 + $1.count }
        guard receivedBytes > 0 else { return finish(context: context, failing: .replyTimeout(limit), close: true) }
        let start = WireError.preview(replies.first ?? received)
        finish(context: context, failing: .incompleteReply(receivedBytes: receivedBytes, within: limit, start: start), close: true)
    }

    /// Ends the exchange in flight with the replies collected, or with `error`.
    private func finish(context: ChannelHandlerContext, failing error: WireError? = nil, close: Bool) {
        guard let exchange = pending else { return }
        pending = nil
        generation += 1  // its deadline, still to come, is now stale
        if close { context.close(promise: nil) }
        let outcome: Result<[[UInt8]], any Error> = error.map { .failure($0) } ?? .success(replies)
        buffersHandedOut = true
        exchange.complete(consume outcome)
        // Unless the reader started another exchange, take the buffers back: once the reader has let go of the
        // replies (a poll parses them and keeps the numbers), clearing them keeps their storage without a copy.
        guard pending == nil else { return }
        clearBuffers()
    }

    private func clearBuffers() {
        replies.removeAll(keepingCapacity: true)
        if received.capacity > Self.keptBufferCapacity { received = [] } else { received.removeAll(keepingCapacity: true) }
        buffersHandedOut = false
    }
}
