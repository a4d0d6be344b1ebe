import RingsideCore
import RingsideTestSupport
import Testing
@testable import RingsideWire

let liveLimits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(2))

@Suite(.enabled(if: DaemonKind.memcached.shouldRunLiveTests, "memcached is not installed: apt-get install memcached"))
struct LiveMemcachedClientTests {
    @Test func countsExactlyTheGeneratedHitsAndMisses() async throws {
        let memcached = try Daemons.memcached()
        let client = MemcachedClient(host: "127.0.0.1", port: memcached.port, limits: liveLimits)
        let before = try await client.poll().get()
        try await CacheTraffic.memcached(port: memcached.port, hits: 70, misses: 30)
        let after = try await client.poll().get()
        guard case let .interval(interval) = CacheInterval.between(before, after) else { Issue.record("no interval"); return }
        #expect(interval.hits == 70)
        #expect(interval.misses == 30)
        #expect(interval.hitRatio == 0.7)
        #expect(after.gauges.memoryLimitBytes == 64 << 20)
        #expect(after.details["version"]?.hasPrefix("1.6") == true)
        #expect(after.identity.instance == String(memcached.pid))
        try? await client.close().get()
    }
}

@Suite(.enabled(if: DaemonKind.redis.shouldRunLiveTests, "redis-server is not installed: apt-get install redis-server"))
struct LiveRedisClientTests {
    @Test func countsExactlyTheGeneratedHitsAndMisses() async throws {
        let redis = try Daemons.redis()
        let client = RedisClient(host: "127.0.0.1", port: redis.port, limits: liveLimits, auth: nil)
        let before = try await client.poll().get()
        try await CacheTraffic.redis(port: redis.port, hits: 70, misses: 30)
        let after = try await client.poll().get()
        guard case let .interval(interval) = CacheInterval.between(before, after) else { Issue.record("no interval"); return }
        #expect(interval.hits == 70 && interval.misses == 30)
        #expect(after.gauges.items == 1)
        #expect(after.details["redis_version"] != nil)
        try? await client.close().get()
    }

    @Test func authenticatesWithAPasswordAndWithAnACLUser() async throws {
        let redis = try Daemons.redis(password: "s3cret", aclUser: (name: "monitor", password: "m0nitor"))
        let withPassword = RedisClient(host: "127.0.0.1", port: redis.port, limits: liveLimits, auth: .init(username: nil, password: "s3cret"))
        #expect(try await withPassword.poll().get().counters.hits != nil)
        let withUser = RedisClient(host: "127.0.0.1", port: redis.port, limits: liveLimits, auth: .init(username: "monitor", password: "m0nitor"))
        #expect(try await withUser.poll().get().counters.hits != nil)
        try? await withPassword.close().get()
        try? await withUser.close().get()
    }

    @Test func wrongOrMissingPasswordIsAnAuthenticationFailure() async throws {
        let redis = try Daemons.redis(password: "s3cret")
        let wrong = RedisClient(host: "127.0.0.1", port: redis.port, limits: liveLimits, auth: .init(username: nil, password: "nope"))
        await #expect { try await wrong.poll().get() } throws: { error in
            if case let WireError.authenticationFailed(text) = error { text.hasPrefix("WRONGPASS") } else { false }
        }
        let missing = RedisClient(host: "127.0.0.1", port: redis.port, limits: liveLimits, auth: nil)
        await #expect { try await missing.poll().get() } throws: { error in
            if case let WireError.authenticationFailed(text) = error { text.hasPrefix("NOAUTH") } else { false }
        }
    }

    @Test func renamedInfoDegradesTheFieldsNotTheNode() async throws {
        let redis = try Daemons.redis(extra: ["--rename-command", "INFO", "MYINFO"])
        let plain = RedisClient(host: "127.0.0.1", port: redis.port, limits: liveLimits, auth: nil)
        let degraded = try await plain.poll().get()
        #expect(degraded.unavailable["INFO"]?.contains("unknown command") == true)
        #expect(degraded.counters.hits == nil)
        let aliased = RedisClient(host: "127.0.0.1", port: redis.port, limits: liveLimits, auth: nil, aliases: ["INFO": "MYINFO"])
        #expect(try await aliased.poll().get().counters.hits != nil)
        try? await plain.close().get()
        try? await aliased.close().get()
    }
}

@Suite(.enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "haproxy is not installed: apt-get install haproxy"))
struct LiveHAProxyClientTests {
    @Test func readsEveryServerStateAndWeight() async throws {
        let up1 = try Daemons.memcached(), up2 = try Daemons.memcached()
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_app", servers: [
                .init(name: "s1", port: up1.port), .init(name: "s2", port: up2.port, weight: 3),
                .init(name: "dead", port: freeLoopbackPort()), .init(name: "s4", port: up1.port, weight: 2),
                .init(name: "s5", port: up2.port, checked: false),
            ])
        ])
        for command in ["set server be_app/s4 state drain", "set server be_app/s5 state maint", "set server be_app/s2 weight 5"] {
            let reply = try await CacheTraffic.haproxyCommand(port: haproxy.port, command)
            #expect(reply.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(command): \(reply)")
        }
        let client = HAProxyClient(host: "127.0.0.1", port: haproxy.port, limits: liveLimits)
        let servers = try await pollUntil(client) { $0.first { $0.name == "dead" }?.status.state == .down }
        #expect(servers.map(\.name) == ["s1", "s2", "dead", "s4", "s5"])
        #expect(servers.map(\.status.state) == [.up, .up, .down, .drain, .maint])
        #expect(servers[1].weight == 5 && servers[1].initialWeight == 3)
        #expect(servers.map { $0.runtime?.isUsable } == [true, true, false, false, false])
        #expect(servers[2].checkStatus == "L4CON")
        try? await client.close().get()
    }

    @Test func errorsQuoteWhatHAProxyAnswered() async throws {
        let haproxy = try Daemons.haproxy(backends: [HAProxyBackendSpec(name: "be", servers: [.init(name: "s1", port: freeLoopbackPort(), checked: false)])])
        let client = HAProxyClient(host: "127.0.0.1", port: haproxy.port, limits: liveLimits)
        let applied = try await client.apply([.setState(backend: "be", server: "nope", .drain)], gate: .open).get()
        #expect(applied == [.failure(.serverError("No such server."))])
        #expect(try await client.read(["get weight be/s1"]).get() == [.success("1 (initial 1)")])
        // The read path never carries a change, and the gate refuses one before a byte is written.
        #expect(throws: WireError.notARead("set server be/s1 state drain")) { try client.read(["set server be/s1 state drain"]).wait() }
        let readOnly = WriteGate(readOnlyBecause: "--read-only")
        #expect(throws: WireError.readOnly(ReadOnlyRefusal(change: "set server be/s1 state maint", because: "--read-only"))) {
            try client.apply([.setState(backend: "be", server: "s1", .maint)], gate: readOnly).wait()
        }
        #expect(try await client.poll().get().backends[0].servers[0].runtime?.forcedState == .ready)
        try? await client.close().get()
    }

    /// Polls until the servers of the first backend satisfy `condition` (health checks take a moment).
    func pollUntil(_ client: HAProxyClient, _ condition: ([HAProxyServer]) -> Bool) async throws -> [HAProxyServer] {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let servers = try await client.poll().get().backends.first?.servers ?? []
            if condition(servers) || ContinuousClock.now > deadline { return servers }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

@Suite(.enabled(if: DaemonKind.nutcracker.shouldRunLiveTests, "nutcracker is not installed: apt-get install nutcracker"))
struct LiveTwemproxyClientTests {
    @Test func readsPoolsAndNamedServers() async throws {
        let memcached = try Daemons.memcached()
        let (nutcracker, _, _) = try Daemons.nutcracker(servers: ["127.0.0.1:\(memcached.port):1 mc-a", "127.0.0.1:\(freeLoopbackPort()):1"])
        let snapshot = try await TwemproxyClient(host: "127.0.0.1", port: nutcracker.port, limits: liveLimits).poll().get()
        #expect(snapshot.version == "0.5.0")
        #expect(snapshot.pools.map(\.name) == ["alpha"])
        #expect(snapshot.pools[0].servers.map(\.name).contains("mc-a"))
        #expect(snapshot.pools[0].servers.count == 2)
    }
}
