import Testing
@testable import RingsideCore

@Suite struct RingSchemeTests {
    private func twemproxy(_ weights: [Int], hash: TwemproxyKeyHash = .fnv1a_64) throws -> HashRing {
        try HashRing(
            RingDefinition(
                name: "pool", scheme: .twemproxyKetama(hash: hash, hashTag: nil),
                members: weights.enumerated().map { RingMember(name: "10.0.0.\($0.offset + 1):11212", weight: $0.element) }))
    }

    /// twemproxy's float32 arithmetic: equal weights give 156 points at these sizes, 160 at the others.
    @Test(arguments: [(24, 160), (25, 156), (26, 160), (47, 156), (50, 156), (61, 156), (100, 156), (101, 160)])
    func twemproxyEqualWeightPointCounts(members: Int, points: Int) throws {
        let ring = try twemproxy(Array(repeating: 1, count: members))
        #expect(Set(ring.nodes.map(\.points)) == [points])
    }

    @Test func twemproxyWeightedPointCounts() throws {
        #expect(try twemproxy([1, 2, 3]).nodes.map(\.points) == [80, 160, 240])
        #expect(try twemproxy([100, 250, 400]).nodes.map(\.points) == [64, 160, 256])
    }

    /// Hand-computed values of each twemproxy hash, including its signed-char quirk on a byte ≥ 0x80.
    @Test func twemproxyKeyHashes() {
        func hash(_ function: TwemproxyKeyHash, _ bytes: [UInt8]) -> UInt32 { bytes.withKeyBytes { function.hash($0) } }
        #expect(hash(.fnv1a_64, []) == 0x8422_2325)
        #expect(hash(.fnv1a_64, [0x61]) == (UInt32(0x8422_2325) ^ 0x61) &* 0x1b3)
        #expect(hash(.fnv1a_64, [0xE9]) == (UInt32(0x8422_2325) ^ 0xFFFF_FFE9) &* 0x1b3)
        #expect(hash(.fnv1a_32, [0x61]) == 0xE40C_292C)  // FNV-1a-32("a"), the published vector
        #expect(hash(.crc32a, Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(hash(.crc32, Array("123456789".utf8)) == (~UInt32(0xCBF4_3926) >> 16) & 0x7fff)
        #expect(hash(.one_at_a_time, Array("a".utf8)) == 0xCA2E_9442)  // Jenkins one-at-a-time("a")
    }

    @Test func hashTagHashesOnlyTheTaggedPart() throws {
        let ring = try HashRing(
            RingDefinition(
                name: "tagged", scheme: .twemproxyKetama(hash: .fnv1a_64, hashTag: "{}"),
                members: [RingMember(name: "a:1"), RingMember(name: "b:1"), RingMember(name: "c:1")]))
        #expect(ring.hash(ofKey: "user:{42}:profile") == ring.hash(ofKey: "42"))
        // An empty tag hashes the whole key.
        #expect(ring.hash(ofKey: "user:{}:x") == UInt64("user:{}:x".withKeyBytes { TwemproxyKeyHash.fnv1a_64.hash($0) }))
        #expect(ring.hash(ofKey: "user:{}:x") != ring.hash(ofKey: ""))
        #expect(ring.hash(ofKey: "") == 0)
    }

    @Test func haproxyAssignsIDsLikeHAProxy() throws {
        let members = [RingMember(name: "s1"), RingMember(name: "s2"), RingMember(name: "s3", id: 10), RingMember(name: "s4")]
        #expect(try HAProxyRing.serverIDs(members) == [1, 2, 10, 4])
        let ring = try HashRing(RingDefinition(name: "be", scheme: .haproxyConsistent(.default), members: members))
        #expect(ring.nodes.map(\.hashedAs) == ["id 1", "id 2", "id 10", "id 4"])
        #expect(ring.nodes.map(\.points) == [16, 16, 16, 16])
    }

    @Test func haproxyHashTypes() {
        #expect(HAProxyHashType.parse("consistent") == .success(.default))
        #expect(HAProxyHashType.parse("consistent sdbm") == .success(HAProxyHashType(function: .sdbm, avalanche: false)))
        #expect(HAProxyHashType.parse("consistent djb2 avalanche") == .success(HAProxyHashType(function: .djb2, avalanche: true)))
        #expect(throws: RingError.self) { try HAProxyHashType.parse("consistent md5").get() }
        #expect(throws: RingError.self) { try HAProxyHashType.parse("map-based").get() }
    }

    @Test func drainedHAProxyServerLeavesAndOnlyItsKeysMove() throws {
        let members = ["a", "b", "c", "d"].map { RingMember(name: $0, weight: 2) }
        let ring = try HashRing(RingDefinition(name: "be", scheme: .haproxyConsistent(.default), members: members))
        let plan = try RingPlan(ring, changes: [.drain(node: "c")])
        #expect(plan.after.nodes[2].points == 0)
        #expect(plan.flows.allSatisfy { $0.from == "c" })
        #expect(abs(plan.movedFraction - ring.ownership.nodes[2].share) < 1e-12)
        #expect(plan.untouchedFraction == 0)
    }

    /// Weighted ketama re-sizes everyone: raising one weight moves keys between the two untouched nodes too.
    @Test func ketamaWeightChangeMovesKeysBetweenUntouchedNodes() throws {
        let ring = try twemproxy([1, 1, 1])
        let plan = try RingPlan(ring, changes: [.setWeight(node: "10.0.0.3:11212", weight: 2)])
        #expect(plan.after.nodes.map(\.points) == [120, 120, 240])
        #expect(plan.untouchedFraction > 0)
        #expect(plan.notes.contains { $0.contains("did not touch") })
    }

    @Test func virtualNodesRoundToHAProxyWeightSteps() throws {
        let ring = try HashRing(
            RingDefinition(name: "be", scheme: .haproxyConsistent(.default), members: [RingMember(name: "a"), RingMember(name: "b")]))
        let plan = try RingPlan(ring, changes: [.virtualNodes(node: "a", delta: 40)])
        #expect(plan.after.nodes[0].weight == 4)  // 40 / 16 = 2.5 → 3 more weight units
        #expect(plan.after.nodes[0].points == 64)
        #expect(plan.notes.first?.contains("weight 1 → 4") == true)
    }

    @Test func addingToHAProxyAlwaysGivesAnID() throws {
        let ring = try HashRing(
            RingDefinition(name: "be", scheme: .haproxyConsistent(.default), members: [RingMember(name: "a", id: 3), RingMember(name: "b")]))
        let plan = try RingPlan(ring, changes: [.add(RingMember(name: "c", address: "10.0.0.3:80"))])
        #expect(plan.after.definition.members[2].id == 4)
    }

    @Test func nginxDownServerKeepsPointsAndHandsKeysToSuccessors() throws {
        let members = ["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"].map { RingMember(name: $0, address: $0) }
        let ring = try HashRing(RingDefinition(name: "ng", scheme: .nginxConsistent, members: members))
        #expect(ring.nodes.map(\.points) == [160, 160, 160])
        #expect(ring.nodes[0].hashedAs == "10.0.0.1\\0" + "80")
        let plan = try RingPlan(ring, changes: [.drain(node: "10.0.0.2:80")])
        #expect(plan.after.ownership.nodes[1].share == 0)
        #expect(plan.flows.allSatisfy { $0.from == "10.0.0.2:80" })
    }

    @Test func jumpPlansAreExpectations() throws {
        let ring = try HashRing(RingDefinition(name: "j", scheme: .jump, members: (0..<4).map { RingMember(name: "n\($0)") }))
        let plan = try RingPlan(ring, changes: [.add(RingMember(name: "n4", address: "10.0.0.5:1"))])
        #expect(!plan.exact)
        #expect(abs(plan.movedFraction - 0.2) < 1e-12)
        #expect(plan.flows.allSatisfy { $0.to == "n4" })
    }

    @Test func badChangesSayWhy() throws {
        let ring = try twemproxy([1, 1])
        #expect(throws: RingError.self) { try RingPlan(ring, changes: [.remove(node: "nope")]) }
        #expect(throws: RingError.self) { try RingPlan(ring, changes: [.add(RingMember(name: "10.0.0.1:11212"))]) }
        #expect(RingChange.parseAdd("mc-9=10.0.0.9:11211:2") == .success(.add(RingMember(name: "mc-9", address: "10.0.0.9:11211", weight: 2))))
        #expect(throws: RingError.self) { try RingChange.parseAdd("mc-9=10.0.0.9").get() }
    }
}
