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
    private let settingsCache = SettingsCache()

    /// - Parameter eventLoop: where the connection lives; give the caller's own loop to avoid thread hops.
    public init(host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        connection = PersistentConnection(host: host, port: port, limits: limits, on: eventLoop)
    }

    /// `stats`, plus `stats settings` on the first poll of each server process.
    public func poll() -> EventLoopFuture<CacheSample> {
        connection.exchange(Self.statsRequest, framing: MemcachedFraming.listing).flatMap { replies in
            let sample: CacheSample
            do {
                sample = try MemcachedStats.sample(statsReply: replies[0], at: .now)
            } catch {
                return connection.eventLoop.makeFailedFuture(error)
            }
            return settings(ofProcess: sample.identity.instance ?? "").map { settings in
                var sample = sample
                if let settings {
                    sample.details.merge(MemcachedStats.settingsDetails(settings)) { stats, _ in stats }
                } else {
                    sample.unavailable["settings"] = "stats settings refused"
                }
                return sample
            }
        }
    }

    public func close() -> EventLoopFuture<Void> { connection.close() }

    /// The settings of the process `pid`, asked for only when it is a process not seen before. A server that
    /// refuses `stats settings` (some managed services) still has usable stats: nil, not an error.
    private func settings(ofProcess pid: String) -> EventLoopFuture<[String: String]?> {
        if let cached = settingsCache.entry.withLock({ $0?.pid == pid ? $0 : nil }) {
            return connection.eventLoop.makeSucceededFuture(cached.settings)
        }
        return connection.exchange(Self.settingsRequest, framing: MemcachedFraming.listing).map { replies in
            let parsed = try? MemcachedStats.parse(replies[0])
            settingsCache.entry.withLock { $0 = (pid, parsed) }
            return parsed
        }
    }
}

private final class SettingsCache: Sendable {
    let entry = Mutex<(pid: String, settings: [String: String]?)?>(nil)
}
