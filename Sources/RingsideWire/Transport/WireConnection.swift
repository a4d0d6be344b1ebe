#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore
import NIOPosix

/// Limits for one endpoint's connection.
public struct WireLimits: Sendable {
    public var connectTimeout: Duration
    public var requestTimeout: Duration
    /// Replies above this are refused unread, so a misbehaving server cannot exhaust memory.
    public var maxReplyBytes: Int

    public init(connectTimeout: Duration = .seconds(1), requestTimeout: Duration = .seconds(1), maxReplyBytes: Int = 16 << 20) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxReplyBytes = maxReplyBytes
    }
}

/// One TCP connection to an endpoint, speaking request → framed replies. Non-blocking (SwiftNIO): thousands of
/// connections share a couple of event-loop threads.
///
/// Everything completes on the connection's event loop, by a callback or a future: the poll path chains them
/// without a task or a continuation per request, which with a thousand endpoints cost more CPU than the protocol
/// work. Async callers take the future's `.get()`.
public struct WireConnection: Sendable {
    let channel: any Channel
    private let collector: NIOLoopBound<ReplyCollector>
    public let limits: WireLimits

    public var eventLoop: any EventLoop { channel.eventLoop }

    /// Opens a connection, or fails with `WireError` (refused, timed out, …) within `limits.connectTimeout`.
    public static func connect(
        to host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) -> EventLoopFuture<WireConnection> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // Replies are small: one read per readiness event saves the read() that would only return EAGAIN.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReplyCollector(maxReplyBytes: limits.maxReplyBytes))
                }
            }
        return bootstrap.connect(host: host, port: port)
            .flatMapThrowing { channel in
                let collector = try channel.pipeline.syncOperations.handler(type: ReplyCollector.self)
                return WireConnection(channel: channel, collector: NIOLoopBound(collector, eventLoop: channel.eventLoop), limits: limits)
            }
            .flatMapErrorThrowing { throw classify(connectError: $0, limits: limits) }
    }

    /// Connects and reads everything the server sends until it closes: for servers that speak first and hang up.
    public static func readUntilClose(
        from host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) -> EventLoopFuture<[UInt8]> {
        let promise = eventLoop.makePromise(of: [[UInt8]].self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let awaiting = PendingExchange(
                        request: channel.allocator.buffer(capacity: 0), replyCount: 1, framing: .untilClose,
                        deadline: .nanoseconds(limits.requestTimeout.nanoseconds), completion: { promise.completeWith($0) })
                    try channel.pipeline.syncOperations.addHandler(ReplyCollector(maxReplyBytes: limits.maxReplyBytes, awaiting: awaiting))
                }
            }
        bootstrap.connect(host: host, port: port).whenFailure { error in
            promise.fail(classify(connectError: error, limits: limits))
        }
        return promise.futureResult.map { $0[0] }
    }

    /// Sends `request` and calls `completion` on the connection's loop with `replies` framed replies, or with why
    /// not within the request deadline.
    public func exchange(_ request: ByteBuffer, replies: Int = 1, framing: ReplyFraming, then completion: @escaping Completion<[[UInt8]]>) {
        guard eventLoop.inEventLoop else {
            return eventLoop.execute { exchange(request, replies: replies, framing: framing, then: completion) }
        }
        start(PendingExchange(
            request: request, replyCount: replies, framing: framing,
            deadline: .nanoseconds(limits.requestTimeout.nanoseconds), completion: completion))
    }

    /// Hands `exchange` to the collector. Call on the connection's loop.
    func start(_ exchange: PendingExchange) {
        collector.value.start(exchange)
    }

    public func exchange(_ request: ByteBuffer, replies: Int = 1, framing: ReplyFraming) -> EventLoopFuture<[[UInt8]]> {
        eventLoop.future { exchange(request, replies: replies, framing: framing, then: $0) }
    }

    public func close() -> EventLoopFuture<Void> {
        channel.close().recover { _ in }
    }

    static func classify(connectError error: any Error, limits: WireLimits) -> WireError {
        if let error = error as? ChannelError, case .connectTimeout = error { return .connectTimeout(limits.connectTimeout) }
        let underlying = (error as? NIOConnectionError)?.connectionErrors.map(\.error) ?? [error]
        for cause in underlying {
            if let io = cause as? IOError, io.errnoCode == ECONNREFUSED { return .connectionRefused }
            if let channelError = cause as? ChannelError, case .connectTimeout = channelError {
                return .connectTimeout(limits.connectTimeout)
            }
        }
        if let dns = error as? NIOConnectionError, dns.dnsAError != nil || dns.dnsAAAAError != nil, dns.connectionErrors.isEmpty {
            return .connectionFailed("cannot resolve the host name")
        }
        return .connectionFailed("cannot connect: \(underlying.first ?? error)")
    }
}
