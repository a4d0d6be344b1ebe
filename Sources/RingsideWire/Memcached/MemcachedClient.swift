import NIOCore
import NIOPosix
import RingsideCore

/// Polls a memcached node over its text protocol on one persistent connection.
public struct MemcachedClient: Sendable {
    /// Each client's own copy: a request buffer shared by every client would have its reference count bounced
    /// between the event loops' cores on every poll.
    private let statsRequest = ByteBuffer(string: "stats\r\n")
    private static let settingsRequest = ByteBuffer(string: "stats settings\r\n")

    private let connection: PersistentConnection
    /// What a sample shows of the running process besides its counters (version, `stats settings`), keyed by
    /// its pid: these change only with a restart, so settings are asked for once per process, not every poll.
    /// Only read and written on the connection's loop, where replies are handled.
    private let processDetails: NIOLoopBoundBox<ProcessDetails?>

    private struct ProcessDetails {
        var pid: String
        var details: [String: String]
        var settingsRefused: Bool

        func apply(to sample: inout CacheSample) {
            sample.details = details
            if settingsRefused { sample.unavailable["settings"] = "stats settings refused" }
        }
    }

    /// - Parameter eventLoop: where the connection lives; give the caller's own loop to avoid thread hops.
    public init(host: String, port: Int, limits: WireLimits, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        connection = PersistentConnection(host: host, port: port, limits: limits, on: eventLoop)
        processDetails = NIOLoopBoundBox.makeBoxSendingValue(nil, eventLoop: eventLoop)
    }

    /// `stats`, plus `stats settings` on the first poll of each server process.
    public func poll(then completion: @escaping Completion<CacheSample>) {
        connection.exchange(statsRequest, framing: MemcachedFraming.listing) { replies in
            let statsReply: [UInt8]
            var sample: CacheSample
            do {
                statsReply = try replies.get()[0]
                sample = try MemcachedStats.sample(statsReply: statsReply, at: .now)
            } catch {
                return completion(.failure(error))
            }
            let pid = sample.identity.instance ?? ""
            if let known = processDetails.value, known.pid == pid {
                known.apply(to: &sample)
                return completion(.success(sample))
            }
            let parsed = sample  // a `let` for the closure below: a captured `var` would be boxed on every poll
            connection.exchange(Self.settingsRequest, framing: MemcachedFraming.listing) { result in
                var sample = parsed
                let replies: [[UInt8]]
                switch result {
                case let .success(value):
                    replies = value
                case let .failure(error):
                    // The connection failed, not the command: the stats stand, and the next poll asks again.
                    sample.details = MemcachedStats.processDetails(statsReply: statsReply, settings: nil)
                    sample.unavailable["settings"] = "stats settings not read: \(error)"
                    return completion(.success(sample))
                }
                // A server that refuses `stats settings` (some managed services) still has usable stats.
                let settings = try? MemcachedStats.parse(replies[0])
                let known = ProcessDetails(
                    pid: pid, details: MemcachedStats.processDetails(statsReply: statsReply, settings: settings),
                    settingsRefused: settings == nil)
                processDetails.value = known
                known.apply(to: &sample)
                completion(.success(sample))
            }
        }
    }

    public func poll() -> EventLoopFuture<CacheSample> { connection.eventLoop.future(of: poll(then:)) }

    public func close() -> EventLoopFuture<Void> { connection.close() }
}
