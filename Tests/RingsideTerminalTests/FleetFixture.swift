import Foundation
import RingsideCore
import RingsideEngine
import RingsideWire

/// A fleet in a known state, built through the same `record` calls the engine makes: healthy, slow, down and
/// stale nodes, a low hit ratio, evictions, full memory, an HAProxy backend with failing and drained servers, and
/// a twemproxy pool with an ejected server.
enum FleetFixture {
    static let start = ContinuousClock.now
    static let at = Date(timeIntervalSince1970: 1_795_800_000)

    static func node(_ name: String, _ kind: EndpointKind, pool: String?, port: Int) -> Endpoint {
        Endpoint(name: name, kind: kind, address: HostPort(host: "10.0.0.\(port % 250)", port: port), pool: pool)
    }

    static func sample(_ tick: Int, hits: UInt64, misses: UInt64, evictions: UInt64 = 0, used: UInt64 = 32 << 20, items: UInt64 = 1000) -> PollData {
        .cache(CacheSample(
            takenAt: start + .seconds(tick),
            counters: CacheCounters(hits: hits, misses: misses, gets: hits + misses, sets: 100, evictions: evictions, commands: (hits + misses) * 2),
            gauges: CacheGauges(memoryUsedBytes: used, memoryLimitBytes: 64 << 20, items: items, connections: 12),
            identity: ProcessIdentity(uptimeSeconds: 1000 + UInt64(tick), instance: "1")))
    }

    /// A node polled `ticks` times with `hitsPerTick`/`missesPerTick` traffic.
    static func polled(
        _ endpoint: Endpoint, ticks: Int = 30, hitsPerTick: UInt64, missesPerTick: UInt64, evictionsPerTick: UInt64 = 0,
        used: UInt64 = 32 << 20, latency: Duration = .milliseconds(2)
    ) -> EndpointState {
        var state = EndpointState(endpoint: endpoint)
        for tick in 0..<ticks {
            let t = UInt64(tick)
            _ = state.record(
                sample(tick, hits: 10_000 + t * hitsPerTick, misses: 2_000 + t * missesPerTick, evictions: t * evictionsPerTick, used: used),
                latency: latency, at: at, thresholds: Thresholds())
        }
        return state
    }

    static var snapshot: FleetSnapshot {
        var stale = polled(node("mc-4", .memcached, pool: "web", port: 11214), hitsPerTick: 90, missesPerTick: 10)
        _ = stale.recordFailure(WireError.connectionRefused, at: at)
        var neverUp = EndpointState(endpoint: node("redis-c", .redis, pool: "sessions", port: 6381))
        _ = neverUp.recordFailure(WireError.connectionRefused, at: at)
        var haproxy = EndpointState(endpoint: Endpoint(name: "edge", kind: .haproxy, address: HostPort(host: "10.0.1.1", port: 9999)))
        var backend = HAProxyBackend(name: "be_app", status: HAProxyStatus("UP"), algorithm: "roundrobin")
        backend.currentSessions = 42
        backend.sessionRate = 17
        backend.servers = [
            HAProxyServer(backend: "be_app", name: "app-1", sid: 1, status: HAProxyStatus("UP")),
            HAProxyServer(backend: "be_app", name: "app-2", sid: 2, status: HAProxyStatus("DOWN")),
            HAProxyServer(backend: "be_app", name: "app-3", sid: 3, status: HAProxyStatus("DRAIN")),
        ]
        backend.servers[1].checkStatus = "L4CON"
        backend.servers[1].lastCheck = "Connection refused"
        _ = haproxy.record(.haproxy(HAProxySnapshot(info: ["Version": "2.6.12"], backends: [backend])), latency: .milliseconds(1), at: at, thresholds: Thresholds())
        var twemproxy = EndpointState(endpoint: Endpoint(name: "twem", kind: .twemproxy, address: HostPort(host: "10.0.1.2", port: 22222)))
        twemproxy.ejectionPolicies = ["alpha": .assumed]
        let pool = TwemproxyPool(name: "alpha", servers: [
            TwemproxyServer(name: "mc-1"), TwemproxyServer(name: "mc-dead", ejectedAtMicroseconds: 1_795_799_990_000_000),
        ])
        _ = twemproxy.record(.twemproxy(TwemproxySnapshot(version: "0.5.0", uptimeSeconds: 50, timestamp: 1_795_800_000, pools: [pool])),
                             latency: .milliseconds(1), at: at, thresholds: Thresholds())
        let endpoints = [
            polled(node("mc-1", .memcached, pool: "web", port: 11211), hitsPerTick: 950, missesPerTick: 50),
            polled(node("mc-2", .memcached, pool: "web", port: 11212), hitsPerTick: 500, missesPerTick: 500, evictionsPerTick: 30, used: 63 << 20),
            polled(node("mc-3", .memcached, pool: "web", port: 11213), hitsPerTick: 700, missesPerTick: 300, latency: .milliseconds(80)),
            stale,
            polled(node("redis-a", .redis, pool: "sessions", port: 6379), hitsPerTick: 99, missesPerTick: 1),
            polled(node("redis-b", .redis, pool: "sessions", port: 6380), hitsPerTick: 0, missesPerTick: 0),
            neverUp, haproxy, twemproxy,
        ]
        let fleet = Fleet(name: "prod-eu", endpoints: endpoints.map(\.endpoint))
        return FleetSnapshot(fleet: fleet, endpoints: endpoints, events: [], takenAt: at)
    }
}

/// `count` row identities, for driving `ConsoleState.handle` where the rows' names do not matter.
func rowNames(_ count: Int) -> [String] { (0..<count).map { "row-\($0)" } }
