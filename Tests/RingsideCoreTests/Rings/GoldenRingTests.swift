import Crypto
import RingsideTestSupport
import Testing
@testable import RingsideCore

/// Checks published by the upstream projects themselves (libketama's test.sh, Envoy's unit tests, the jump
/// hash paper's implementations) and the primitives' standard test vectors.
@Suite struct GoldenRingTests {
    @Test func primitiveVectors() {
        #expect("abc".withKeyBytes { MD5Points.points($0).0 } == 0x9850_0190)  // 90 01 50 98 little-endian
        #expect("123456789".withKeyBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        #expect("".withKeyBytes { XXHash64.hash($0) } == 0xEF46_DB37_51D8_E999)
    }

    @Test func jumpMatchesPublishedValues() {
        #expect(JumpHash.bucket(256, buckets: 1024) == 520)
        #expect(JumpHash.bucket(42, buckets: 57) == 43)
        #expect(JumpHash.bucket(0xDEAD_10CC, buckets: 666) == 361)
        #expect(JumpHash.bucket(1, buckets: 1) == 0)
    }

    /// libketama/test.sh: the MD5 of ketama_test's output over keys "0"…"999999" with ketama.servers.
    @Test func libketamaTestOutputChecksum() async throws {
        let checksum = try await heavyTest { try await offCooperativePool(Self.libketamaTestOutputMD5) }
        #expect(checksum == "5672b131391f5aa2b280936aec1eea74")
    }

    @Sendable static func libketamaTestOutputMD5() throws -> String {
        let memory = [600, 300, 200, 350, 1000, 800, 950, 100]
        let members = memory.enumerated().map { index, mb in
            RingMember(name: "10.0.1.\(index + 1):11211", address: "10.0.1.\(index + 1):11211", weight: mb)
        }
        let ring = try HashRing(RingDefinition(name: "ketama.servers", scheme: .libketama, members: members))
        guard ring.nodes.map(\.points) == [176, 88, 56, 104, 296, 236, 280, 28] else { return "wrong point counts \(ring.nodes.map(\.points))" }
        var md5 = Insecure.MD5()
        var line: [UInt8] = [UInt8(ascii: "\n")]  // ketama_error() is empty after a good roll
        let names = ring.nodes.map { Array($0.name.utf8) }
        var key: [UInt8] = []
        // Bytes, not String interpolation: a million lines must stay cheap in a debug build.
        for index in 0..<1_000_000 {
            key.removeAll(keepingCapacity: true)
            KetamaRing.appendDecimal(index, to: &key)
            let hash = key.withKeyBytes { ring.keyHasher.hash($0) }
            KetamaRing.appendDecimal(Int(hash), to: &line)
            line.append(UInt8(ascii: " "))
            KetamaRing.appendDecimal(Int(ring.point(forHash: hash)!), to: &line)
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: names[ring.owner(ofHash: hash)!])
            line.append(UInt8(ascii: "\n"))
            if line.count > 60_000 {
                line.withUnsafeBytes { md5.update(bufferPointer: $0) }
                line.removeAll(keepingCapacity: true)
            }
        }
        line.withUnsafeBytes { md5.update(bufferPointer: $0) }
        return md5.finalize().map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }

    /// envoy ring_hash_lb_test.cc `Basic`: six hosts, minimum_ring_size 12 → two points each.
    @Test func envoyRingHashBasic() throws {
        let ring = try HashRing(
            RingDefinition(
                name: "envoy", scheme: .envoyRingHash(minimumRingSize: 12, maximumRingSize: 8_388_608),
                members: (90...95).map { RingMember(name: ":\($0)", address: "127.0.0.1:\($0)") }))
        let expected: [(UInt64, String)] = [
            (833_437_586_790_550_860, ":94"), (928_266_305_478_181_108, ":92"), (1_033_482_794_131_418_490, ":90"),
            (3_551_244_743_356_806_947, ":95"), (3_851_675_632_748_031_481, ":93"), (5_583_722_120_771_150_861, ":91"),
            (6_311_230_543_546_372_928, ":91"), (7_700_377_290_971_790_572, ":93"), (13_144_177_310_400_110_813, ":95"),
            (13_444_792_449_719_432_967, ":92"), (15_516_499_411_664_133_160, ":94"), (16_117_243_373_044_804_889, ":90"),
        ]
        for (position, name) in expected {
            #expect(ring.point(forHash: position) == position)
            #expect(ring.nodes[ring.owner(ofHash: position)!].name == name)
        }
        #expect(ring.nodes[ring.owner(ofHash: 0)!].name == ":94")
        #expect(ring.nodes[ring.owner(ofHash: .max)!].name == ":94")
        #expect(ring.nodes[ring.owner(ofHash: 3_551_244_743_356_806_947 + 1)!].name == ":93")
    }

    /// envoy maglev_lb_test.cc `Basic`: table size 7, hosts 127.0.0.1:90…:95.
    @Test func envoyMaglevBasic() throws {
        let ring = try HashRing(
            RingDefinition(
                name: "maglev", scheme: .envoyMaglev(tableSize: 7),
                members: (90...95).map { RingMember(name: "\($0)", address: "127.0.0.1:\($0)") }))
        guard case let .slots(table) = ring.partition else { Issue.record("not a slot table"); return }
        #expect(table.map { ring.nodes[Int($0)].name } == ["92", "94", "90", "91", "95", "90", "93"])
    }

    /// Maglev's docs: weights 1 and 2 at the default size take 21,846 and 43,691 slots.
    @Test func maglevWeightedCounts() throws {
        let ring = try HashRing(
            RingDefinition(
                name: "maglev", scheme: .envoyMaglevDefault,
                members: [RingMember(name: "a", address: "10.0.0.1:80", weight: 1), RingMember(name: "b", address: "10.0.0.2:80", weight: 2)]))
        #expect(ring.nodes.map(\.points) == [21846, 43691])
    }
}
