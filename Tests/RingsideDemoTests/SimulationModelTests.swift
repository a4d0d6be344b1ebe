import Testing
@testable import RingsideDemo

@Suite struct SimulationModelTests {
    @Test func storeEvictsToStayWithinItsLimitAndCountsIt() {
        var store = CacheStore(limitBytes: 10_000)
        var random = SeededRandom(seed: 1)
        for index in 0..<100 {
            store.set("k\(index)", value: [UInt8](repeating: 0, count: 400), ttl: nil, now: Double(index), random: &random)
        }
        #expect(store.bytes <= 10_000)
        #expect(store.itemCount == store.items.count && store.itemCount < 100)
        #expect(store.counters.evictions == UInt64(100 - store.itemCount))
        #expect(store.counters.sets == 100)
        #expect(store.get("k99", now: 100) != nil, "the newest item survives")
    }

    @Test func expiredItemsAreMissesAndReclaimed() {
        var store = CacheStore(limitBytes: 100_000)
        var random = SeededRandom(seed: 1)
        store.set("short", value: [1], ttl: 5, now: 0, random: &random)
        store.set("forever", value: [1], ttl: nil, now: 0, random: &random)
        #expect(store.get("short", now: 4) != nil)
        #expect(store.get("short", now: 5) == nil)
        #expect(store.counters == .init(getHits: 1, getMisses: 1, sets: 2, evictions: 0, expired: 1))
        #expect(store.get("forever", now: 1_000_000) != nil)
        #expect(!store.set("huge", value: [UInt8](repeating: 0, count: 200_000), ttl: nil, now: 0, random: &random))
    }

    @Test func zipfFavoursThePopularKeys() {
        let keys = ZipfKeys(keys: 1000, skew: 1.0)
        var random = SeededRandom(seed: 42)
        var counts = [Int](repeating: 0, count: 1000)
        for _ in 0..<20_000 { counts[keys.next(using: &random)] += 1 }
        #expect(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500])
        let uniform = ZipfKeys(keys: 10, skew: 0)
        var tally = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 { tally[uniform.next(using: &random)] += 1 }
        #expect(tally.allSatisfy { (800...1200).contains($0) }, "skew 0 is uniform: \(tally)")
    }

    @Test func theSameSeedGivesTheSameRun() {
        func run(seed: UInt64) -> [CacheStore.Counters] {
            let nodes = (1...3).map { SimulatedNode(name: "n\($0)", limitBytes: 1 << 20, pid: $0) }
            var settings = TrafficModel.Settings()
            settings.seed = seed
            var model = TrafficModel(settings: settings)
            let pool = RoutedPool(nodes)
            for _ in 0..<50 { model.advance(by: 0.1, through: pool) }
            return nodes.map { node in node.state.withLock { $0.store.counters } }
        }
        #expect(run(seed: 7) == run(seed: 7))
        #expect(run(seed: 7) != run(seed: 8))
        let counters = run(seed: 7)
        #expect(counters.map(\.getHits).reduce(0, +) > 0 && counters.map(\.getMisses).reduce(0, +) > 0)
    }

    @Test func aDeadCacheSendsEveryReadToTheOrigin() {
        let node = SimulatedNode(name: "n1", limitBytes: 1 << 20, pid: 1)
        var settings = TrafficModel.Settings()
        settings.readFraction = 1
        var model = TrafficModel(settings: settings)
        model.advance(by: 1, through: RoutedPool([node]))
        let warm = model.originFetches
        node.state.withLock { $0.alive = false }
        model.advance(by: 1, through: RoutedPool([node]))
        #expect(model.originFetches - warm == 2000, "every one of the second's 2,000 reads went to the origin")
    }

    /// The demo routes keys exactly as ringside's twemproxy ring model says: each node holds only its own keys.
    @Test func keysLandWhereTheRingSays() {
        let nodes = (1...4).map { SimulatedNode(name: "mc-\($0)", limitBytes: 1 << 20, pid: $0) }
        let pool = RoutedPool(nodes)
        var settings = TrafficModel.Settings()
        settings.readFraction = 0
        var model = TrafficModel(settings: settings)
        model.advance(by: 1, through: pool)
        for key in model.popularKeys(200) {
            let holders = nodes.filter { node in node.state.withLock { $0.store.get(key, now: model.now) != nil } }
            #expect(holders.count <= 1)
            if let holder = holders.first { #expect(holder.name == pool.ring.nodes[pool.ring.owner(ofKey: key)!].name) }
        }
    }
}
