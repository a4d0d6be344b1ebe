import NIOCore

/// Keeps one connection to an endpoint open across polls, reconnecting on demand.
///
/// After any failure the connection is dropped, so a half-read stream is never reused. When a reused connection
/// turns out to have been closed by the server while idle (HAProxy's CLI timeout, a proxy restart), the request
/// is retried once on a fresh connection instead of reporting the endpoint down. Requests are sent one after
/// another: one asked while another is in flight (the console's "poll now" during a scheduled poll) waits its turn.
///
/// All state lives on one event loop, the one that owns the channel, and every result is a future completed
/// there: a poll never changes threads.
public final class PersistentConnection: Sendable {
    public typealias Handshake = @Sendable (WireConnection) -> EventLoopFuture<Void>

    public let eventLoop: any EventLoop
    public let host: String
    public let port: Int
    public let limits: WireLimits
    private let handshake: Handshake?
    private let state: NIOLoopBoundBox<State>

    private struct State {
        var connection: WireConnection?
        /// The newest request's result while it is pending: the next request waits for it.
        var pending: EventLoopFuture<[[UInt8]]>?
    }

    /// - Parameter handshake: run on every new connection before the first request (AUTH, prompt mode, …).
    public init(host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop, handshake: Handshake? = nil) {
        self.host = host
        self.port = port
        self.limits = limits
        self.handshake = handshake
        self.eventLoop = eventLoop
        state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    public func exchange(_ request: [UInt8], replies: Int = 1, framing: ReplyFraming) -> EventLoopFuture<[[UInt8]]> {
        guard eventLoop.inEventLoop else {
            return eventLoop.flatSubmit { self.exchange(request, replies: replies, framing: framing) }
        }
        let promise = eventLoop.makePromise(of: [[UInt8]].self)
        let result = promise.futureResult
        if let previous = state.value.pending {
            previous.whenComplete { _ in self.send(request, replies: replies, framing: framing, to: promise) }
        } else {
            send(request, replies: replies, framing: framing, to: promise)
        }
        state.value.pending = result
        result.whenComplete { _ in
            if self.state.value.pending === result { self.state.value.pending = nil }
        }
        return result
    }

    public func close() -> EventLoopFuture<Void> {
        guard eventLoop.inEventLoop else { return eventLoop.flatSubmit { self.close() } }
        return drop()
    }

    /// Sends on the open connection, or on a new one; a reused connection found closed is replaced once.
    private func send(_ request: [UInt8], replies: Int, framing: ReplyFraming, to promise: EventLoopPromise<[[UInt8]]>) {
        guard let connection = state.value.connection, connection.isActive else {
            sendOnNewConnection(request, replies: replies, framing: framing, to: promise)
            return
        }
        connection.exchange(request, replies: replies, framing: framing).whenComplete { result in
            guard case let .failure(error) = result else { return promise.completeWith(result) }
            _ = self.drop()
            if case WireError.closedMidReply(receivedBytes: 0) = error {
                self.sendOnNewConnection(request, replies: replies, framing: framing, to: promise)
            } else {
                promise.fail(error)
            }
        }
    }

    private func sendOnNewConnection(_ request: [UInt8], replies: Int, framing: ReplyFraming, to promise: EventLoopPromise<[[UInt8]]>) {
        _ = drop()
        connect().flatMap { $0.exchange(request, replies: replies, framing: framing) }.whenComplete { result in
            if case .failure = result { _ = self.drop() }
            promise.completeWith(result)
        }
    }

    /// A new connection, handshake done, kept as the current one.
    private func connect() -> EventLoopFuture<WireConnection> {
        WireConnection.connect(to: host, port: port, limits: limits, on: eventLoop).flatMap { fresh in
            let handshaken = self.handshake?(fresh) ?? self.eventLoop.makeSucceededVoidFuture()
            return handshaken
                .map {
                    self.state.value.connection = fresh
                    return fresh
                }
                .flatMapError { error in
                    fresh.close().flatMapThrowing { throw error }
                }
        }
    }

    private func drop() -> EventLoopFuture<Void> {
        let old = state.value.connection
        state.value.connection = nil
        return old?.close() ?? eventLoop.makeSucceededVoidFuture()
    }
}
