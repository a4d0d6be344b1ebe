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
public struct WireConnection: Sendable {
    let channel: any Channel
    public let limits: WireLimits

    /// Opens a connection, or fails with `WireError` (refused, timed out, …) within `limits.connectTimeout`.
    public static func connect(
        to host: String, port: Int, limits: WireLimits, on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> WireConnection {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // Replies are small: one read per readiness event saves the read() that would only return EAGAIN.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReplyCollector(maxReplyBytes: limits.maxReplyBytes))
                }
            }
        do {
            return WireConnection(channel: try await bootstrap.connect(host: host, port: port).value(), limits: limits)
        } catch {
            throw Self.classify(connectError: error, limits: limits)
        }
    }

    /// Connects and reads everything the server sends until it closes: for servers that speak first and hang up.
    public static func readUntilClose(
        from host: String, port: Int, limits: WireLimits, on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> [UInt8] {
        let promise = group.any().makePromise(of: [[UInt8]].self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(limits.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let awaiting = PendingExchange(
                        request: channel.allocator.buffer(capacity: 0), replyCount: 1, framing: .untilClose,
                        deadline: .nanoseconds(limits.requestTimeout.nanoseconds), promise: promise)
                    try channel.pipeline.syncOperations.addHandler(ReplyCollector(maxReplyBytes: limits.maxReplyBytes, awaiting: awaiting))
                }
            }
        do {
            _ = try await bootstrap.connect(host: host, port: port).value()
        } catch {
            promise.fail(error)
            throw classify(connectError: error, limits: limits)
        }
        return try await promise.futureResult.value()[0]
    }

    /// Sends `request` and waits for `replies` framed replies, or fails within the request deadline.
    public func exchange(_ request: [UInt8], replies: Int = 1, framing: ReplyFraming) async throws -> [[UInt8]] {
        let promise = channel.eventLoop.makePromise(of: [[UInt8]].self)
        let exchange = PendingExchange(
            request: channel.allocator.buffer(bytes: request), replyCount: replies, framing: framing,
            deadline: .nanoseconds(limits.requestTimeout.nanoseconds), promise: promise)
        channel.writeAndFlush(exchange).whenFailure { error in
            promise.fail(error as? WireError ?? WireError.connectionFailed("write failed: \(error)"))
        }
        return try await promise.futureResult.value()
    }

    public var isActive: Bool { channel.isActive }

    public func close() async {
        try? await channel.close()
    }

    private static func classify(connectError error: any Error, limits: WireLimits) -> WireError {
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
