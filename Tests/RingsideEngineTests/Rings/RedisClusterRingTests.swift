import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing
@testable import RingsideEngine

@Suite struct RedisClusterSlotTests {
    @Test func crc16AndHashTagsAsTheClusterSpecDefines() {
        #expect("123456789".withKeyBytes { RedisClusterSlot.crc16($0) } == 0x31C3)  // CRC16-XMODEM check value
        #expect("{user1000}.following".withKeyBytes { RedisClusterSlot.slot($0) } == "user1000".withKeyBytes { RedisClusterSlot.slot($0) })
        // The first tag is empty, so the whole key is hashed (the cluster spec's own example).
        #expect("foo{}{bar}".withKeyBytes { RedisClusterSlot.slot($0) } == Int("foo{}{bar}".withKeyBytes { RedisClusterSlot.crc16($0) } & 0x3FFF))
        #expect("foo{}{bar}".withKeyBytes { RedisClusterSlot.slot($0) } != "bar".withKeyBytes { RedisClusterSlot.slot($0) })
    }

    @Test func overlappingSlotsAreRefused() {
        let members = [RingMember(name: "a", slots: [0...100]), RingMember(name: "b", slots: [100...200])]
        #expect(throws: RingError.self) { try HashRing(RingDefinition(name: "c", scheme: .redisCluster, members: members)) }
    }
}

extension RingCompatibilityTests {
    @Suite(.enabled(if: DaemonKind.redis.shouldRunLiveTests, "needs redis-server: apt-get install redis-server"))
    struct RedisClusterLive {
        /// Three masters with a half, a quarter and a quarter of the slots; every key is written to the master
        /// ringside names, and the cluster accepts each write (a wrong owner would answer MOVED).
        @Test func keysGoToTheMasterRingsideNamesAndSharesAreExact() async throws { try await heavyTest { try await check() } }

        func check() async throws {
            let masters = try await RedisCluster.start(slots: [0...8191, 8192...12287, 12288...16383])
            defer { masters.forEach { $0.stop() } }
            let definition = try await RingCatalog.definition(
                of: RingDeclaration(name: "rc", source: .redisCluster(address: HostPort(host: "127.0.0.1", port: masters[1].port), credentials: nil)),
                limits: WireLimits())
            let ring = try HashRing(definition)
            #expect(ring.ownership.nodes.map(\.share).sorted() == [0.25, 0.25, 0.5])

            let keys = (0..<2000).map { $0 % 5 == 0 ? "{user\($0 % 37)}:cart:\($0)" : "session:\($0)" }
            var byMaster: [String: [String]] = [:]
            for key in keys { byMaster[ring.nodes[ring.owner(ofKey: key)!].name, default: []].append(key) }
            for master in masters {
                let owned = byMaster[master.address] ?? []
                let replies = try await CacheTraffic.redisCommands(port: master.port, owned.map { ["SET", $0, "x"] })
                #expect(replies.allSatisfy { $0 == .simple("OK") }, "\(replies.first { $0 != .simple("OK") }.map { "\($0)" } ?? "")")
            }
            let slots = try await CacheTraffic.redisCommands(port: masters[0].port, keys.prefix(50).map { ["CLUSTER", "KEYSLOT", $0] })
            #expect(slots == keys.prefix(50).map { key in .integer(Int64(key.withKeyBytes { RedisClusterSlot.slot($0) })) })

            let counted = try HashRing(try await RingCatalog.definition(
                of: RingDeclaration(name: "rc", source: .redisCluster(address: HostPort(host: "127.0.0.1", port: masters[0].port), credentials: nil)),
                limits: WireLimits()))
            #expect(counted.definition.members.map(\.keys).compactMap { $0 }.reduce(0, +) == keys.count)

            // The console reads the cluster in the background; its ring screen then shows the same ring.
            let declaration = RingDeclaration(name: "rc", source: .redisCluster(address: HostPort(host: "127.0.0.1", port: masters[2].port), credentials: nil))
            let fleet = Fleet(name: "cluster", endpoints: [], rings: [declaration])
            let remote = RemoteRingSources()
            var tracker = RingTracker(fleet: fleet, remote: remote)
            let engine = PollEngine(fleet: fleet)
            #expect(tracker.update(engine.snapshot()).first?.problem == "reading CLUSTER SLOTS…")
            remote.start(tracker.declarations, every: .seconds(10), timeout: .seconds(2))
            defer { remote.stop() }
            let deadline = ContinuousClock.now + .seconds(10)
            while remote.definition(of: "rc") == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            let tracked = try #require(tracker.update(engine.snapshot()).first?.ring)
            #expect(tracked.ownership.nodes.map(\.share) == ring.ownership.nodes.map(\.share))
        }
    }
}
