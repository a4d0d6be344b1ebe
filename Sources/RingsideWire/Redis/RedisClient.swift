import NIOCore
import NIOPosix
import RingsideCore

/// Polls a Redis or Valkey node on one persistent connection, authenticating on each new connection.
public struct RedisClient: Sendable {
    public struct Auth: Sendable {
        public var username: String?
        public var password: String

        public init(username: String?, password: String) {
            self.username = username
            self.password = password
        }
    }

    let connection: PersistentConnection
    /// `PING` and `INFO` (or its alias), built once.
    private let pollRequest: ByteBuffer

    /// - Parameter aliases: renamed commands (`rename-command INFO MYINFO`), keyed by the standard name.
    /// - Parameter eventLoop: where the connection lives; give the caller's own loop to avoid thread hops.
    public init(
        host: String, port: Int, limits: WireLimits, auth: Auth?, aliases: [String: String] = [:],
        on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) {
        connection = PersistentConnection(host: host, port: port, limits: limits, on: eventLoop) { connection in
            guard let auth else { return connection.eventLoop.makeSucceededVoidFuture() }
            let arguments = ["AUTH"] + (auth.username.map { [$0] } ?? []) + [auth.password]
            return connection.exchange(ByteBuffer(bytes: RESP.command(arguments)), framing: RESP.framing).flatMapThrowing { replies in
                if case let .value(.error(message), _) = RESP.decode(replies[0]) {
                    throw WireError.authenticationFailed(message)
                }
            }
        }
        pollRequest = ByteBuffer(bytes: RESP.command(["PING"]) + RESP.command([aliases["INFO"] ?? "INFO"]))
    }

    /// `PING` and `INFO`, pipelined. A refused `INFO` (renamed, blocked by a managed service or an ACL) leaves the
    /// node up with its fields marked unavailable; a missing password is an authentication failure.
    public func poll(then completion: @escaping Completion<CacheSample>) {
        connection.exchange(pollRequest, replies: 2, framing: RESP.framing) { replies in
            completion(Result { try Self.sample(fromPingAndInfo: replies.get()) })
        }
    }

    public func poll() -> EventLoopFuture<CacheSample> { connection.eventLoop.future(of: poll(then:)) }

    public func close() -> EventLoopFuture<Void> { connection.close() }

    static func sample(fromPingAndInfo replies: [[UInt8]]) throws -> CacheSample {
        let ping = try value(replies[0])
        if case let .error(message) = ping {
            if message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") { throw WireError.authenticationFailed(message) }
            throw WireError.serverError(message)
        }
        switch try value(replies[1]) {
        case let .error(message):
            return CacheSample(takenAt: .now, unavailable: ["INFO": message])
        case let .bulk(info):
            var sample = RedisInfo.sample(RedisInfo.parse(info, only: RedisInfo.sampledFields), at: .now)
            // The PING of this poll and the INFO of the previous one fall between two samples.
            sample.ownCommandsPerPoll = 2
            return sample
        default:
            throw WireError.malformedReply("INFO did not answer with a string")
        }
    }

    static func value(_ reply: [UInt8]) throws -> RESPValue {
        guard case let .value(value, _) = RESP.decode(reply) else { throw WireError.malformedReply("undecodable RESP reply") }
        return value
    }
}
