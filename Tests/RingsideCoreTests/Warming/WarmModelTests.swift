import Testing
@testable import RingsideCore

struct WarmExpiryTests {
    @Test func memcachedNoExpiryIsSentAsZeroAndLongTTLsAsAbsoluteTime() {
        let now: Int64 = 1_796_284_792
        #expect(WarmExpiry.memcached(remaining: nil, now: now) == 0)
        #expect(WarmExpiry.memcached(remaining: 99, now: now) == 99)
        #expect(WarmExpiry.memcached(remaining: 2_592_000, now: now) == 2_592_000)
        #expect(WarmExpiry.memcached(remaining: 2_592_001, now: now) == now + 2_592_001)
    }

    @Test func anExpiredOrLastSecondItemIsSkippedRatherThanMadeImmortal() {
        #expect(WarmExpiry.memcached(remaining: 0, now: 1) == nil)
        #expect(WarmExpiry.redis(ttlMilliseconds: 0) == nil)
        #expect(WarmExpiry.redis(ttlMilliseconds: nil) == 0)
        #expect(WarmExpiry.redis(ttlMilliseconds: 1500) == 1500)
        #expect(WarmExpiry.memcachedDumpExpired(expiresAt: 100, now: 100))
        #expect(!WarmExpiry.memcachedDumpExpired(expiresAt: -1, now: 100))
    }
}

struct TokenBucketTests {
    @Test func aRateIsHeldOverTimeWithBurstsPaidForAfterwards() {
        var bucket = TokenBucket(rate: 1000, burst: 100)
        #expect(bucket.take(100, at: 0) == 0)
        #expect(bucket.take(500, at: 0) == 0.5)
        // Half a second later the debt is paid; the next 100 ride on the refill of a further 0.1 s.
        #expect(bucket.take(100, at: 0.5) == 0.1)
        var total = 0.0, now = 10.0
        for _ in 0..<100 {
            let wait = bucket.take(50, at: now)
            now += wait
            total += 50
        }
        // 5,000 keys at 1,000/s: about 5 s, less the burst.
        #expect(abs(now - 10 - 4.9) < 0.2)
        #expect(total == 5000)
    }
}

struct MovedKeySelectionTests {
    let before = try! HashRing(RingDefinition(
        name: "alpha", scheme: .twemproxyKetama(hash: .fnv1a_64, hashTag: nil),
        members: (1...3).map { RingMember(name: "mc-\($0)", address: "127.0.0.1:2000\($0)", weight: 1) }))

    @Test func exactlyTheKeysTheChangeMovesOntoTheTargetAreSelectedFromTheirCurrentOwner() throws {
        let plan = try RingPlan(before, changes: [.add(RingMember(name: "mc-4", address: "127.0.0.1:20004", weight: 1))])
        let selection = try MovedKeySelection(plan: plan, target: "mc-4")
        #expect(selection.sources == ["mc-1", "mc-2", "mc-3"])
        var selected = 0
        for index in 0..<20_000 {
            let key = Array("user:\(index)".utf8)
            let owner = before.nodes[before.owner(ofKey: "user:\(index)")!].name
            let after = plan.after.nodes[plan.after.owner(ofKey: "user:\(index)")!].name
            // The moved ranges say the same: the key's position lies in a range whose new owner is mc-4.
            let position = UInt64(UInt32(truncatingIfNeeded: plan.before.hash(ofKey: "user:\(index)")))
            let inMovedRange = plan.movedRanges.contains { $0.first <= position && position <= $0.last && plan.nodeNames[$0.to] == "mc-4" }
            #expect(inMovedRange == (after == "mc-4"))
            for source in ["mc-1", "mc-2", "mc-3"] {
                #expect(selection.selects(key, foundOn: source) == (after == "mc-4" && source == owner))
            }
            if after == "mc-4" { selected += 1 }
        }
        // About the moved share of the key space (FNV-1a over sequential keys is not perfectly even).
        #expect(selected > 0 && abs(Double(selected) / 20_000 - selection.movedFraction) < 0.05)
    }

    @Test func aTargetOutsideTheRingIsRefusedByName() {
        #expect(throws: RingError.self) { try MovedKeySelection(plan: try RingPlan(before, changes: [.setWeight(node: "mc-1", weight: 2)]), target: "mc-9") }
    }
}
