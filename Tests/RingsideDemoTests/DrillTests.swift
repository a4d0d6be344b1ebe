import RingsideCore
import RingsideEngine
import Testing
@testable import RingsideDemo

/// Incident drills on the demo fleet, observed the way ringside observes production: through the poll engine.
@Suite(.serialized) struct DrillTests {
    func demo(nodes: Int = 3, keys: Int = 20_000) async throws -> (DemoFleet, PollEngine) {
        var options = DemoFleet.Options()
        options.nodes = nodes
        options.keys = keys
        options.rate = 4000
        let demo = try await DemoFleet.start(options)
        var fleet = demo.fleet
        fleet.polling = PollSettings(interval: .milliseconds(200), timeout: .milliseconds(400))
        fleet.thresholds.slowLatency = .seconds(5)
        return (demo, PollEngine(fleet: fleet))
    }

    func state(_ engine: PollEngine, _ name: String) -> EndpointState {
        engine.snapshot().endpoints.first { $0.endpoint.name == name }!
    }

    /// Polls until `condition` holds (5 s at most); returns whether it did.
    func pollUntil(_ engine: PollEngine, _ condition: (FleetSnapshot) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            await engine.pollAllOnce()
            if condition(engine.snapshot()) { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test func aKilledNodeIsDownAndComesBackColdWithAResetEvent() async throws {
        let (demo, engine) = try await demo()
        #expect(await pollUntil(engine) { _ in self.state(engine, "mc-2").cacheSample.map { $0.gauges.items ?? 0 > 100 } ?? false })
        #expect(await demo.run("kill mc-2") == "mc-2 killed")
        #expect(await pollUntil(engine) { _ in self.state(engine, "mc-2").health.word == "DOWN" })
        #expect(state(engine, "mc-1").health == .up, "the rest stays live")
        let restarted = await demo.run("restart mc-2")
        #expect(restarted == "mc-2 restarted with a cold cache", "\(restarted ?? "nil")")
        #expect(await pollUntil(engine) { _ in self.state(engine, "mc-2").health == .up })
        let back = state(engine, "mc-2").cacheSample!
        #expect((back.gauges.items ?? 0) < 2000, "a cold cache refills from nothing")
        await engine.pollAllOnce()
        #expect(engine.snapshot().events.contains { $0.endpoint == "mc-2" && $0.message.hasPrefix("UP → DOWN") })
        await engine.stop()
        await demo.stop()
    }

    /// The Redis nodes take the same drills: redis-2 comes back on its port, still wanting its password, with a
    /// new run_id (a counter reset), and a slow redis-1 answers late while the rest stays up.
    @Test func redisNodesTakeTheDrillsToo() async throws {
        let (demo, engine) = try await demo()
        #expect(await demo.run("kill redis-2") == "redis-2 killed")
        #expect(await pollUntil(engine) { _ in self.state(engine, "redis-2").health.word == "DOWN" })
        #expect(await demo.run("restart redis-2") == "redis-2 restarted with a cold cache")
        #expect(await pollUntil(engine) { _ in self.state(engine, "redis-2").health == .up })
        #expect(await demo.run("slow redis-1 300") == "redis-1: slow")
        await engine.pollAllOnce()
        #expect((state(engine, "redis-1").latency ?? .zero) >= .milliseconds(300))
        #expect(state(engine, "mc-1").health == .up)
        await engine.stop()
        await demo.stop()
    }

    @Test func aHungNodeIsDownWithinItsDeadlineAndGarbageIsAProtocolError() async throws {
        let (demo, engine) = try await demo()
        #expect(await demo.run("hang mc-1") == "mc-1: hang")
        #expect(await demo.run("garbage mc-3") == "mc-3: garbage")
        let started = ContinuousClock.now
        await engine.pollAllOnce()
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(state(engine, "mc-1").health.detail == "no reply within 400 ms")
        #expect(state(engine, "mc-3").health.word == "PROTO")
        #expect(state(engine, "mc-2").health == .up)
        _ = await demo.run("heal mc-1")
        _ = await demo.run("heal mc-3")
        #expect(await pollUntil(engine) { _ in self.state(engine, "mc-1").health == .up && self.state(engine, "mc-3").health == .up })
        await engine.stop()
        await demo.stop()
    }

    @Test func massExpiryIsAStampedeOnTheOrigin() async throws {
        // A small keyspace warms within a second, so the calm second has few origin fetches.
        let (demo, engine) = try await demo(keys: 1000)
        func noted() -> Int { Int(demo.originLoadNote().split(separator: " ")[1])! }
        // Calm once the cache is warm: the origin's rate has stopped falling (on a loaded two-core run, warming
        // took longer than the 2 s this waited, and the "calm" second still had the warm-up's fetches).
        var last: Int?
        let warmBy = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < warmBy {
            try await Task.sleep(for: .seconds(1))
            let now = noted()
            if let last, now * 10 >= last * 9 { break }
            last = now
        }
        let before = demo.originFetches
        try await Task.sleep(for: .seconds(1.1))
        let calm = demo.originFetches - before
        let calmNote = noted()
        _ = await demo.run("expire 1000")
        let during = demo.originFetches
        try await Task.sleep(for: .seconds(1.1))
        #expect(demo.originFetches - during > calm * 2, "origin fetches per second jump after the popular keys expire")
        // The header's figure ("origin N reads/s", over the last second) shows the jump too.
        let shownBy = ContinuousClock.now + .seconds(3)
        while noted() <= calmNote * 2, ContinuousClock.now < shownBy { try await Task.sleep(for: .milliseconds(50)) }
        #expect(noted() > calmNote * 2, "\(demo.originLoadNote()) after \(calmNote) reads/s")
        await engine.stop()
        await demo.stop()
    }

    @Test func aHotKeyLoadsItsOwnerMost() async throws {
        let (demo, engine) = try await demo(nodes: 4)
        _ = await demo.run("hotkey 0.6 30")
        await engine.pollAllOnce()
        try await Task.sleep(for: .seconds(1.5))
        await engine.pollAllOnce()
        let ops = engine.snapshot().cacheNodes.map { ($0.endpoint.name, $0.interval?.getsPerSecond ?? 0) }
        let hottest = ops.max { $0.1 < $1.1 }!
        let others = ops.filter { $0.0 != hottest.0 }.map(\.1)
        #expect(others.allSatisfy { hottest.1 > $0 * 2 }, "\(ops)")
        // The ring screen's view: the owner of key:hot on the demo ring is the flagged hot spot.
        var tracker = RingTracker(fleet: demo.fleet)
        let tracked = try #require(tracker.update(engine.snapshot()).first { $0.declaration.name == "demo" })
        let ring = try #require(tracked.ring)
        let loads = RingLoad.compare(ring.ownership, loads: tracked.loads, hotSpotFactor: 1.5)
        let owner = ring.nodes[ring.owner(ofKey: "key:hot")!].name
        #expect(hottest.0 == owner)
        #expect(ring.nodes.indices.filter { loads[$0].isHotSpot }.map { ring.nodes[$0].name } == [owner], "\(loads)")
        await engine.stop()
        await demo.stop()
    }

    /// be_app hashes: a drained server's requests go to the servers that now own its arcs of HAProxy's ring,
    /// so each server's request share is its exact share of ringside's ring model, not its weight share.
    @Test func drainingAnAppServerMovesItsRequestsAlongTheRing() async throws {
        let (demo, engine) = try await demo()
        #expect(await demo.run("drain be_app/app-2") == "edge: be_app/app-2 drain")
        func servers() -> [HAProxyServer] {
            state(engine, "edge").haproxy?.backends.first { $0.name == "be_app" }?.servers ?? []
        }
        // The state changes at once; the session rate on the next traffic tick (HAProxy's own rate lags too).
        // Before the first traffic tick every rate is 0: wait for the others to carry traffic too.
        #expect(await pollUntil(engine) { _ in
            let drained = servers().first { $0.name == "app-2" }.map { $0.status.text == "DRAIN" && $0.sessionRate == 0 } ?? false
            return drained && servers().contains { ($0.sessionRate ?? 0) > 0 }
        })
        let rates = Dictionary(uniqueKeysWithValues: servers().map { ($0.name, Double($0.sessionRate ?? -1)) })
        #expect(rates["app-2"] == 0)
        let backend = try #require(state(engine, "edge").haproxy?.backends.first { $0.name == "be_app" })
        let ring = try HashRing(backend.ringDefinition(name: "be_app", hashType: .default))
        let total = rates.values.reduce(0, +)
        for share in ring.ownership.nodes {
            #expect(abs(rates[share.name]! / total - share.share) < 0.01, "\(share.name): \(rates) against ring shares \(ring.ownership.nodes.map(\.share))")
        }
        #expect(await demo.run("weight be_app/app-1 300") == "edge answered: [err]: Absolute weight can only be between 0 and 256 inclusive.")
        await engine.stop()
        await demo.stop()
    }

    @Test func unknownScenariosAndNodesAreExplained() async throws {
        let (demo, engine) = try await demo()
        #expect(throws: DemoError.self) { try demo.play(scenario: "meteor") }
        #expect(await demo.run("kill mc-9")?.hasPrefix("kill which node?") == true)
        #expect(await demo.run("dance") == nil, "not a drill command: the console says so")
        await engine.stop()
        await demo.stop()
    }
}
