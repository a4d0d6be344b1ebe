import Testing
@testable import RingsideCore

/// The exact partition and the plan sweep must agree with the lookup they summarise. A brute-force check:
/// probe every arc at both ends and just past them, and random positions, with `owner(ofHash:)`.
@Suite struct RingPartitionTests {
    static let schemes: [RingScheme] = [
        .twemproxyKetama(hash: .md5, hashTag: nil), .libmemcachedKetama, .libketama, .haproxyConsistent(.default),
        .nginxConsistent, .envoyRingHash(minimumRingSize: 64, maximumRingSize: 4096),
    ]

    private func ring(_ scheme: RingScheme, weights: [Int]) throws -> HashRing {
        try HashRing(
            RingDefinition(
                name: "r", scheme: scheme,
                members: weights.enumerated().map {
                    RingMember(name: "n\($0.offset)", address: "10.0.0.\($0.offset + 1):11211", weight: $0.element)
                }))
    }

    @Test(arguments: schemes)
    func arcsAgreeWithLookups(scheme: RingScheme) throws {
        let ring = try ring(scheme, weights: [1, 2, 1, 3])
        guard case let .arcs(bits, ends, owners) = ring.partition else { Issue.record("no arcs"); return }
        var start: UInt64 = 0
        for (end, owner) in zip(ends, owners) {
            #expect(ring.owner(ofHash: start) == Int(owner))
            #expect(ring.owner(ofHash: end) == Int(owner))
            #expect(ring.owner(ofHash: start / 2 + end / 2) == Int(owner))
            start = end &+ 1
        }
        #expect(ends.last == RingPartition.lastPosition(bits: bits))
        let shares = ring.ownership.nodes.map(\.share)
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
    }

    /// Rings of 4,096 points or more look up through a 65,536-bucket index; every arc must still agree.
    @Test(arguments: [RingScheme.twemproxyKetama(hash: .fnv1a_64, hashTag: nil), .haproxyConsistent(.default), .envoyRingHash(minimumRingSize: 8192, maximumRingSize: 8192)])
    func largeRingsLookUpThroughTheBucketIndex(scheme: RingScheme) throws {
        let ring = try ring(scheme, weights: Array(repeating: 5, count: 60))
        #expect(ring.nodes.reduce(0) { $0 + $1.points } >= 4096)
        guard case let .arcs(_, ends, owners) = ring.partition else { Issue.record("no arcs"); return }
        var start: UInt64 = 0
        for (end, owner) in zip(ends, owners) {
            #expect(ring.owner(ofHash: start) == Int(owner))
            #expect(ring.owner(ofHash: end) == Int(owner))
            start = end &+ 1
        }
    }

    @Test(arguments: schemes)
    func planSweepAgreesWithLookups(scheme: RingScheme) throws {
        let before = try ring(scheme, weights: [1, 2, 1, 3])
        let plan = try RingPlan(
            before, changes: [.remove(node: "n0"), .setWeight(node: "n1", weight: 1), .add(RingMember(name: "n4", address: "10.0.0.9:11211"))])
        #expect(plan.flows.allSatisfy { $0.from != $0.to })
        for range in plan.movedRanges {
            for position in [range.first, range.last] {
                #expect(before.nodes[before.owner(ofHash: position)!].name == plan.nodeNames[range.from])
                #expect(plan.after.nodes[plan.after.owner(ofHash: position)!].name == plan.nodeNames[range.to])
            }
        }
        // Random positions: moved exactly when the two lookups disagree, and then inside a moved range.
        var random = SystemRandomNumberGenerator()
        let bits = scheme.hashBits
        for _ in 0..<2000 {
            let position = bits == 64 ? random.next() : UInt64(UInt32.random(in: .min ... .max, using: &random))
            let moved = before.nodes[before.owner(ofHash: position)!].name != plan.after.nodes[plan.after.owner(ofHash: position)!].name
            let inRange = plan.movedRanges.contains { $0.first <= position && position <= $0.last }
            #expect(moved == inRange)
        }
        let flowTotal = plan.flows.reduce(0) { $0 + $1.fraction }
        #expect(abs(flowTotal - plan.movedFraction) < 1e-9)
    }

    /// HAProxy's closest-point split on a tiny hand-made ring: gaps are halved, ties go to the earlier point.
    @Test func closestPointArcsOnAHandMadeRing() {
        var packed: [UInt64] = [100 << 32 | 0, 200 << 32 | 1, 201 << 32 | 2]
        let points = SortedPoints<UInt32>(packed: &packed)
        guard case let .arcs(_, ends, owners) = ArcBuilder.closest(points) else { Issue.record("no arcs"); return }
        // The wrap gap 201 → 100 + 2^32 is halved too: its lower half stays with 201's owner.
        let wrapSplit = UInt64(201) + ((UInt64(1) << 32) - 101) / 2
        #expect(ends == [150, 200, wrapSplit, (1 << 32) - 1])
        #expect(owners == [0, 1, 2, 0])
        for (end, owner) in zip(ends, owners) { #expect(points.closestOwner(UInt32(end)) == owner) }
        #expect(points.closestOwner(150) == 0)  // 150 − 100 = 50 = 200 − 150: the tie goes to the earlier point
        #expect(points.closestOwner(151) == 1)
        #expect(points.closestOwner(0) == 0)
    }
}
