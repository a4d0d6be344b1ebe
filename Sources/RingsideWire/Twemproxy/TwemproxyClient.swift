import NIOCore
import NIOPosix
import RingsideCore

/// Reads a twemproxy stats port: connect, send nothing, read one JSON document to EOF.
public struct TwemproxyClient: Sendable {
    private let host: String
    private let port: Int
    private let limits: WireLimits
    private let eventLoop: any EventLoop

    public init(host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        self.host = host
        self.port = port
        self.limits = limits
        self.eventLoop = eventLoop
    }

    public func poll() -> EventLoopFuture<TwemproxySnapshot> {
        WireConnection.readUntilClose(from: host, port: port, limits: limits, on: eventLoop).flatMapThrowing(TwemproxyStatsParser.parse)
    }
}
