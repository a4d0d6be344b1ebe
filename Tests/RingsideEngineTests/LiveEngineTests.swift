import Foundation
import RingsideCore
import RingsideTestSupport
import Testing
@testable import RingsideEngine

@Suite(.enabled(
    if: DaemonKind.memcached.shouldRunLiveTests && DaemonKind.redis.shouldRunLiveTests,
    "needs memcached and redis-server: apt-get install memcached redis-server"))
struct LiveEngineTests {
    static var relaxed: Thresholds {
        var thresholds = Thresholds()
        thresholds.slowLatency = .seconds(5)
        return thresholds
    }

    func endpoint(_ name: String, _ kind: EndpointKind, _ daemon: Daemon, pool: String? = "web") -> Endpoint {
        Endpoint(name: name, kind: kind, address: HostPort(host: "127.0.0.1", port: daemon.port), pool: pool)
    }

    @Test func reportsTheHitRatioOfGeneratedTrafficPerNodeAndPerPool() async throws {
        let memcached = try Daemons.memcached(), redis = try Daemons.redis()
        let engine = PollEngine(fleet: Fleet(
            name: "live", endpoints: [endpoint("mc", .memcached, memcached), endpoint("rd", .redis, redis)],
            polling: PollSettings(interval: .milliseconds(200), timeout: .seconds(2)), thresholds: Self.relaxed))
        await engine.pollAllOnce()
        try await CacheTraffic.memcached(port: memcached.port, hits: 70, misses: 30)
        try await CacheTraffic.redis(port: redis.port, hits: 10, misses: 90)
        await engine.pollAllOnce()
        let report = StatusReport(engine.snapshot())
        await engine.stop()
        #expect(report.nodes.map(\.hitRatio) == [0.7, 0.1])
        #expect(report.nodes.map(\.hits) == [70, 10])
        #expect(report.nodes.allSatisfy { $0.health == "UP" && !$0.stale })
        // Σ deltas: (70 + 10) / (100 + 100), not the 40% an average of percentages would give.
        #expect(report.pools.first?.hitRatio == 0.4)
        #expect(report.fleetHitRatio == 0.4)
        #expect(report.healthy)
        let mcOps = try #require(report.nodes[0].getsPerSecond)
        #expect(mcOps > 0)
        #expect(report.nodes[1].opsPerSecond ?? 0 > 0)
    }

    @Test func aKilledNodeTurnsDownAndComesBackColdWithAResetEvent() async throws {
        let memcached = try Daemons.memcached()
        let port = memcached.port
        let engine = PollEngine(fleet: Fleet(
            name: "drill", endpoints: [endpoint("mc", .memcached, memcached)],
            polling: PollSettings(interval: .milliseconds(100), timeout: .milliseconds(500)), thresholds: Self.relaxed))
        try await CacheTraffic.memcached(port: port, hits: 50, misses: 0)
        engine.start()
        try await waitUntil(engine) { $0.endpoints[0].health == .up }
        memcached.stop()
        try await waitUntil(engine) { $0.endpoints[0].health.word == "DOWN" }
        let down = engine.snapshot().endpoints[0]
        #expect(down.cacheSample?.counters.hits == 50, "the last known numbers stay, marked stale")
        #expect(!down.health.hasFreshData)
        let restarted = try Daemons.memcached(port: port)
        try await waitUntil(engine) { $0.endpoints[0].health == .up }
        let back = engine.snapshot().endpoints[0]
        #expect(back.cacheSample?.counters.hits == 0, "a cold cache after the restart")
        #expect(back.cacheSample?.identity.instance == String(restarted.pid))
        let messages = engine.snapshot().events.map(\.message)
        // Killed between polls the node refuses; killed during one it resets the connection. Both are DOWN.
        #expect(messages.contains("UP → DOWN (connection refused)") || messages.contains("UP → DOWN (connection reset by the server)"), "\(messages)")
        #expect(messages.contains("DOWN → UP"))
        await engine.stop()
    }

    /// Polls the engine's snapshot until `condition` holds (5 s at most).
    func waitUntil(_ engine: PollEngine, _ condition: (FleetSnapshot) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition(engine.snapshot()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within 5 s; last state: \(engine.snapshot().endpoints.map(\.health))")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

@Suite(.enabled(
    if: DaemonKind.nutcracker.shouldRunLiveTests && DaemonKind.memcached.shouldRunLiveTests,
    "needs nutcracker and memcached: apt-get install nutcracker memcached"))
struct LiveTwemproxyEngineTests {
    @Test func aServerThatFailsIsReportedEjectedByTheConfigsRule() async throws {
        let memcached = try Daemons.memcached()
        let deadPort = freeLoopbackPort()
        let (nutcracker, configPath, listenPort) = try Daemons.nutcracker(
            servers: ["127.0.0.1:\(memcached.port):1 mc-a", "127.0.0.1:\(deadPort):1 mc-dead"], retryTimeoutMs: 60_000)
        // Keys through the proxy until one lands on the dead server and gets it ejected.
        for index in 0..<40 {
            try? await CacheTraffic.memcached(port: listenPort, hits: 1, misses: 0, key: "k\(index)")
        }
        let fleet = Fleet(name: "tw", endpoints: [Endpoint(
            name: "tw", kind: .twemproxy, address: HostPort(host: "127.0.0.1", port: nutcracker.port), nutcrackerConfigPath: configPath)])
        let engine = PollEngine(fleet: fleet, ejectionPolicies: try FleetLoader.ejectionPolicies(for: fleet))
        let deadline = ContinuousClock.now + .seconds(5)
        repeat {
            await engine.pollAllOnce()
        } while engine.snapshot().endpoints[0].ejectedServers.isEmpty && ContinuousClock.now < deadline
        let state = engine.snapshot().endpoints[0]
        #expect(state.ejectedServers.map(\.server) == ["mc-dead"])
        #expect(engine.snapshot().problems == ["tw: alpha/mc-dead is ejected"])
        let pool = try #require(StatusReport(engine.snapshot()).balancers.first?.pools?.first)
        #expect(pool.ejectionFromConfig)
        await engine.stop()
    }
}
