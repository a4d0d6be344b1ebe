import NIOCore
import NIOPosix
import RingsideCore
import Synchronization

/// Polls a memcached node over its text protocol on one persistent connection.
public struct MemcachedClient: Sendable {
    private static let statsRequest = Array("stats\r\n".utf8)
    private static let settingsRequest = Array("stats settings\r\n".utf8)

    private let connection: PersistentConnection
    /// `stats settings` of the running process, keyed by its pid: settings change only with a restart, so they
    /// are asked for once per process instead of on every poll.
    private let settings = SettingsCache()

    /// - Parameter eventLoop: where the connection lives; give the caller's own loop to avoid thread hops.
    public init(host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        connection = PersistentConnection(host: host, port: port, limits: limits, on: eventLoop)
    }

    /// `stats`, plus `stats settings` on the first poll of each server process.
    public func poll() async throws -> CacheSample {
        let reply = try await connection.exchange(Self.statsRequest, framing: MemcachedFraming.listing)[0]
        let stats = try MemcachedStats.parse(reply, only: MemcachedStats.sampledFields)
        let pid = stats["pid"] ?? ""
        var current = settings.entry.withLock { $0?.pid == pid ? $0 : nil }
        if current == nil {
            // A server that refuses `stats settings` (some managed services) still has usable stats.
            let reply = try await connection.exchange(Self.settingsRequest, framing: MemcachedFraming.listing)[0]
            current = (pid, try? MemcachedStats.parse(reply))
            settings.entry.withLock { $0 = current }
        }
        var sample = MemcachedStats.sample(stats: stats, settings: current?.settings, at: .now)
        if current?.settings == nil { sample.unavailable["settings"] = "stats settings refused" }
        return sample
    }

    public func close() async { await connection.close() }
}

private final class SettingsCache: Sendable {
    let entry = Mutex<(pid: String, settings: [String: String]?)?>(nil)
}
