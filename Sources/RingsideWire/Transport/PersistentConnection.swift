import DequeModule
import NIOCore

/// Keeps one connection to an endpoint open across polls, reconnecting on demand.
///
/// After any failure the connection is dropped, so a half-read stream is never reused. When a reused connection
/// turns out to have been closed by the server while idle (HAProxy's CLI timeout, a proxy restart), the request
/// is retried once on a fresh connection instead of reporting the endpoint down. Requests are sent one after
/// another: one asked while another is in flight (the console's "poll now" during a scheduled poll) waits its turn.
///
/// All state lives on one event loop, the one that owns the channel, and every outcome is reported there: a
/// poll never changes threads.
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
        var busy = false
        /// Requests asked for while another was in flight, in order.
        var waiting: Deque<ResendableExchange> = []
    }

    /// An exchange whose outcome goes through its connection, which resends it once on a new connection when the
    /// reused one turns out to have been closed.
    private final class ResendableExchange: PendingExchange {
        let owner: PersistentConnection
        /// Whether it went out on a connection opened for an earlier request (and so may be resent).
        var onReusedConnection = false

        init(owner: PersistentConnection, request: ByteBuffer, replies: Int, framing: ReplyFraming, completion: @escaping Completion<[[UInt8]]>) {
            self.owner = owner
            super.init(
                request: request, replyCount: replies, framing: framing,
                deadline: .nanoseconds(owner.limits.requestTimeout.nanoseconds), completion: completion)
        }

        override func complete(_ result: Result<[[UInt8]], any Error>) {
            owner.ended(self, with: result)
        }
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

    public func exchange(_ request: ByteBuffer, replies: Int = 1, framing: ReplyFraming, then completion: @escaping Completion<[[UInt8]]>) {
        guard eventLoop.inEventLoop else {
            return eventLoop.execute { self.exchange(request, replies: replies, framing: framing, then: completion) }
        }
        let exchange = ResendableExchange(owner: self, request: request, replies: replies, framing: framing, completion: completion)
        guard !state.value.busy else { return state.value.waiting.append(exchange) }
        state.value.busy = true
        send(exchange)
    }

    public func exchange(_ request: ByteBuffer, replies: Int = 1, framing: ReplyFraming) -> EventLoopFuture<[[UInt8]]> {
        eventLoop.future { exchange(request, replies: replies, framing: framing, then: $0) }
    }

    public func close() -> EventLoopFuture<Void> {
        guard eventLoop.inEventLoop else { return eventLoop.flatSubmit { self.close() } }
        return drop()
    }

    /// Reports a request's outcome, then starts the oldest waiting request (unless the completion just called
    /// already sent another).
    private func finish(_ exchange: ResendableExchange, with result: Result<[[UInt8]], any Error>) {
        state.value.busy = false
        exchange.completion(result)
        if !state.value.busy, let next = state.value.waiting.popFirst() {
            state.value.busy = true
            send(next)
        }
    }

    /// Sends on the open connection, or on a new one. Ends with `ended`.
    private func send(_ exchange: ResendableExchange) {
        guard let connection = state.value.connection else { return sendOnNewConnection(exchange) }
        exchange.onReusedConnection = true
        connection.start(exchange)
    }

    private func sendOnNewConnection(_ exchange: ResendableExchange) {
        _ = drop()
        exchange.onReusedConnection = false
        connect().assumeIsolated().whenComplete { connected in
            switch connected {
            case let .success(connection): connection.start(exchange)
            case let .failure(error): self.finish(exchange, with: .failure(error))
            }
        }
    }

    /// After any failure the connection is dropped; a reused connection found closed before any reply came
    /// (`WireError.lostBeforeAnyReply`) gets the request again on a new one.
    private func ended(_ exchange: ResendableExchange, with result: Result<[[UInt8]], any Error>) {
        guard case let .failure(error) = result else { return finish(exchange, with: result) }
        _ = drop()
        if exchange.onReusedConnection, let wire = error as? WireError, wire.lostBeforeAnyReply {
            sendOnNewConnection(exchange)
        } else {
            finish(exchange, with: result)
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
