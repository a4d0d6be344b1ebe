import NIOCore

/// Keeps one connection to an endpoint open across polls, reconnecting on demand.
///
/// After any failure the connection is dropped, so a half-read stream is never reused. When a reused connection
/// turns out to have been closed by the server while idle (HAProxy's CLI timeout, a proxy restart), the request
/// is retried once on a fresh connection instead of reporting the endpoint down.
///
/// The actor runs on the event loop that owns its channel, so a request and its reply never change threads:
/// with a thousand endpoints, thread hops cost more CPU than the protocol work itself.
public actor PersistentConnection {
    public typealias Handshake = @Sendable (WireConnection) async throws -> Void

    private let eventLoop: any EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    public let host: String
    public let port: Int
    public let limits: WireLimits
    private let handshake: Handshake?
    private var connection: WireConnection?

    /// - Parameter handshake: run on every new connection before the first request (AUTH, prompt mode, …).
    public init(host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop, handshake: Handshake? = nil) {
        self.host = host
        self.port = port
        self.limits = limits
        self.handshake = handshake
        self.eventLoop = eventLoop
    }

    public func exchange(_ request: [UInt8], replies: Int = 1, framing: ReplyFraming) async throws -> [[UInt8]] {
        let reused = connection?.isActive == true
        do {
            return try await current().exchange(request, replies: replies, framing: framing)
        } catch WireError.closedMidReply(receivedBytes: 0) where reused {
            await drop()
            return try await current().exchange(request, replies: replies, framing: framing)
        } catch {
            await drop()
            throw error
        }
    }

    public func close() async { await drop() }

    private func current() async throws -> WireConnection {
        if let connection, connection.isActive { return connection }
        await drop()
        let fresh = try await WireConnection.connect(to: host, port: port, limits: limits, on: eventLoop)
        do {
            try await handshake?(fresh)
        } catch {
            await fresh.close()
            throw error
        }
        connection = fresh
        return fresh
    }

    private func drop() async {
        let old = connection
        connection = nil
        await old?.close()
    }
}
