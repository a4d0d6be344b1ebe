import NIOCore
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing
@testable import RingsideDemo

/// One test body, two back ends: what ringside reads from the simulated servers must match what it reads from the
/// real daemons, so the demo cannot drift from real behaviour unnoticed.
@Suite struct SimulatedServerTests {
    enum Backend: String, CaseIterable { case real, simulated }

    let limits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(2))

    /// A memcached to test against: the real daemon, or a simulated node.
    func memcached(_ backend: Backend) async throws -> (port: Int, keepAlive: Any) {
        switch backend {
        case .real:
            let daemon = try Daemons.memcached()
            return (daemon.port, daemon)
        case .simulated:
            let server = try await SimulatedMemcachedServer.start(node: SimulatedNode(name: "sim", limitBytes: 64 << 20, pid: 7), clock: { 0 })
            return (server.port, server)
        }
    }

    @Test(.enabled(if: DaemonKind.memcached.shouldRunLiveTests, "memcached is not installed: apt-get install memcached"),
          arguments: Backend.allCases)
    func memcachedCountsExactlyTheGeneratedHitsAndMisses(backend: Backend) async throws {
        let (port, keepAlive) = try await memcached(backend)
        let client = MemcachedClient(host: "127.0.0.1", port: port, limits: limits)
        let before = try await client.poll().get()
        try await CacheTraffic.memcached(port: port, hits: 70, misses: 30)
        let after = try await client.poll().get()
        guard case let .interval(interval) = CacheInterval.between(before, after) else { Issue.record("no interval"); return }
        #expect(interval.hits == 70 && interval.misses == 30)
        #expect(after.gauges.memoryLimitBytes == 64 << 20)
        #expect(after.gauges.items == 1)
        #expect(after.details["version"]?.hasPrefix("1.6") == true)
        #expect(after.details["item_size_max"] == "1048576")
        #expect(after.unavailable.isEmpty)
        try? await client.close().get()
        withExtendedLifetime(keepAlive) {}
    }

    @Test(.enabled(if: DaemonKind.memcached.shouldRunLiveTests, "memcached is not installed: apt-get install memcached"),
          arguments: Backend.allCases)
    func memcachedAnswersAnUnknownCommandWithError(backend: Backend) async throws {
        let (port, keepAlive) = try await memcached(backend)
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: port, limits: limits).get()
        let reply = try await connection.exchange(ByteBuffer(string: "bogus\r\n"), framing: MemcachedFraming.singleLine).get()
        #expect(reply == [Array("ERROR\r\n".utf8)])
        try? await connection.close().get()
        withExtendedLifetime(keepAlive) {}
    }

    /// A Redis to test against, with `password` if given: the real daemon, or a simulated node.
    func redis(_ backend: Backend, password: String? = nil) async throws -> (port: Int, keepAlive: Any) {
        switch backend {
        case .real:
            let daemon = try Daemons.redis(password: password)
            return (daemon.port, daemon)
        case .simulated:
            let server = try await SimulatedRedisServer.start(node: SimulatedNode(name: "sim", limitBytes: 64 << 20, pid: 8), password: password, clock: { 0 })
            return (server.port, server)
        }
    }

    @Test(.enabled(if: DaemonKind.redis.shouldRunLiveTests, "redis-server is not installed: apt-get install redis-server"),
          arguments: Backend.allCases)
    func redisCountsExactlyTheGeneratedHitsAndMisses(backend: Backend) async throws {
        let (port, keepAlive) = try await redis(backend)
        let client = RedisClient(host: "127.0.0.1", port: port, limits: limits, auth: nil)
        let before = try await client.poll().get()
        try await CacheTraffic.redis(port: port, hits: 70, misses: 30)
        let after = try await client.poll().get()
        guard case let .interval(interval) = CacheInterval.between(before, after) else { Issue.record("no interval"); return }
        #expect(interval.hits == 70 && interval.misses == 30)
        #expect(after.gauges.items == 1)
        #expect(after.details["redis_version"]?.hasPrefix("7.") == true)
        #expect(after.details["role"] == "master")
        #expect(after.identity.instance?.count == 40)
        try? await client.close().get()
        withExtendedLifetime(keepAlive) {}
    }

    @Test(.enabled(if: DaemonKind.redis.shouldRunLiveTests, "redis-server is not installed: apt-get install redis-server"),
          arguments: Backend.allCases)
    func redisAuthenticationAndUnknownCommandsAnswerAsRedisDoes(backend: Backend) async throws {
        let (port, keepAlive) = try await redis(backend, password: "s3cret")
        let good = RedisClient(host: "127.0.0.1", port: port, limits: limits, auth: .init(username: nil, password: "s3cret"))
        #expect(try await good.poll().get().counters.hits != nil)
        let missing = RedisClient(host: "127.0.0.1", port: port, limits: limits, auth: nil)
        await #expect { try await missing.poll().get() } throws: { "\($0)".contains("NOAUTH Authentication required.") }
        let wrong = RedisClient(host: "127.0.0.1", port: port, limits: limits, auth: .init(username: nil, password: "nope"))
        await #expect { try await wrong.poll().get() } throws: { "\($0)".contains("WRONGPASS invalid username-password pair") }
        let replies = try await CacheTraffic.redisCommands(port: port, [["AUTH", "s3cret"], ["FROBNICATE", "a"]])
        #expect(replies[1] == .error("ERR unknown command 'FROBNICATE', with args beginning with: 'a' "))
        try? await good.close().get()
        withExtendedLifetime(keepAlive) {}
    }

    @Test(.enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "haproxy is not installed: apt-get install haproxy"),
          arguments: Backend.allCases)
    func haproxyDrainWeightAndErrorsReadAsHAProxysOwn(backend: Backend) async throws {
        let port: Int, keepAlive: Any
        switch backend {
        case .real:
            let daemon = try Daemons.haproxy(backends: [HAProxyBackendSpec(name: "be_app", servers: (1...4).map {
                .init(name: "app-\($0)", port: freeLoopbackPort(), weight: $0 == 4 ? 2 : 1, checked: false)
            })])
            (port, keepAlive) = (daemon.port, daemon)
        case .simulated:
            let server = try await SimulatedHAProxyServer.start(balancer: SimulatedBalancer(), started: .now, clock: { 0 })
            (port, keepAlive) = (server.port, server)
        }
        let client = HAProxyClient(host: "127.0.0.1", port: port, limits: limits)
        let replies = try await client.apply([
            .setState(backend: "be_app", server: "app-2", .drain), .setWeight(backend: "be_app", server: "app-3", .absolute(5)),
            .setState(backend: "be_app", server: "nope", .drain), .setWeight(backend: "be_app", server: "app-1", .absolute(300)),
        ], gate: .open).get()
        #expect(replies[0] == .success("") && replies[1] == .success(""))
        #expect(replies[2] == .failure(.serverError("No such server.")))
        #expect(replies[3] == .failure(.serverError("Absolute weight can only be between 0 and 256 inclusive.")))
        let app = try #require(try await client.poll().get().backends.first { $0.name == "be_app" }).servers
        #expect(app.map(\.name) == ["app-1", "app-2", "app-3", "app-4"])
        #expect(app.map(\.status.text) == ["no check", "DRAIN", "no check", "no check"])
        #expect(app.map { $0.runtime?.isUsable } == [true, false, true, true])
        #expect(app[2].userWeight == 5 && app[2].initialWeight == 1)
        #expect(app[3].initialWeight == 2)
        try? await client.close().get()
        withExtendedLifetime(keepAlive) {}
    }

    @Test func simulatedTwemproxyStatsParseLikeNutcrackers() async throws {
        let nodes = [SimulatedNode(name: "mc-1", limitBytes: 1 << 20, pid: 1), SimulatedNode(name: "mc-2", limitBytes: 1 << 20, pid: 2)]
        nodes[0].state.withLock { $0.proxiedRequests = 42 }
        let server = try await SimulatedTwemproxyServer.start(pool: "demo", nodes: nodes, started: .now)
        // What is checked here is the document, not timing: under a loaded parallel run this test's close has been
        // seen to reach the client after the 2 s deadline, with the whole document already in.
        let patient = WireLimits(connectTimeout: .seconds(10), requestTimeout: .seconds(10))
        let snapshot = try await TwemproxyClient(host: "127.0.0.1", port: server.port, limits: patient).poll().get()
        #expect(snapshot.version == "0.5.0")
        #expect(snapshot.pools.map(\.name) == ["demo"])
        #expect(snapshot.pools[0].servers.map(\.name) == ["mc-1", "mc-2"])
        #expect(snapshot.pools[0].servers[0].requests == 42)
        await server.stop()
    }
}
