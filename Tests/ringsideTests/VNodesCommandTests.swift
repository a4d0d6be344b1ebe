import Foundation
import RingsideCore
import RingsideEngine
import RingsideTestSupport
import RingsideWire
import Testing

/// `ringside vnodes` on a real HAProxy consistent-hash backend: the keys that move are exactly those the plan said.
@Suite(.serialized, .heavy, .enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "needs haproxy"))
struct VNodesCommandTests {
    @Test func aVirtualNodeChangeMovesExactlyTheKeysThePlanPredicted() async throws {
        let servers = [("s1", 1), ("s2", 3), ("s3", 2)].map { HAProxyBackendSpec.Server(name: $0.0, port: freeLoopbackPort(), weight: $0.1) }
        let haproxy = try Daemons.haproxyEchoing(balance: "hdr(X-Key)", hashType: "consistent", servers: servers)
        defer { haproxy.daemon.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-vnodes-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fleetFile = directory.appendingPathComponent("fleet.yaml").path
        try """
            fleet: t
            audit_log: \(directory.path)/audit.jsonl
            balancers:
              - { name: edge, kind: haproxy, address: 127.0.0.1:\(haproxy.daemon.port) }
            rings:
              - { name: app, balancer: edge, backend: be_hash, hash_type: consistent }
            """.write(toFile: fleetFile, atomically: true, encoding: .utf8)
        let declaration = RingDeclaration(
            name: "app", source: .haproxyBackend(address: HostPort(host: "127.0.0.1", port: haproxy.daemon.port), backend: "be_hash", hashType: try HAProxyHashType.parse("consistent").get()))
        let keys = (0..<3000).map { "key:\($0)" }
        let before = try HashRing(try await RingCatalog.definition(of: declaration, limits: WireLimits()))
        let predicted = try RingPlan(before, changes: [.virtualNodes(node: "s2", delta: 32)])
        let routedBefore = try await RingProbe.routeThroughHTTP(port: haproxy.listenPort, header: "X-Key", keys: keys)
        #expect(routedBefore == keys.map { before.nodes[before.owner(ofKey: $0)!].name }, "the ring model holds before")

        // A plain weight change or a drain on a ring's backend shows the ring plan too.
        for command in [["weight", "edge/be_hash/s1", "2"], ["drain", "edge/be_hash/s3"]] {
            let dry = try await RingsideBinary.run(command + ["--config", fleetFile, "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.hasPrefix("plan for ring app:") && dry.stdout.contains("moves"), "\(command): \(dry.stdout)")
        }
        let result = try await RingsideBinary.run(["vnodes", "app", "s2", "+32", "--config", fleetFile, "--yes"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("send    set server be_hash/s2 weight 5"), "+32 points is +2 weight units: \(result.stdout)")
        let routedAfter = try await RingProbe.routeThroughHTTP(port: haproxy.listenPort, header: "X-Key", keys: keys)
        let after = predicted.after
        let expected = keys.map { after.nodes[after.owner(ofKey: $0)!].name }
        #expect(routedAfter == expected, "\(zip(routedAfter, expected).filter { $0 != $1 }.count) keys went elsewhere than planned")
        let moved = zip(routedBefore, routedAfter).filter { $0 != $1 }.count
        #expect(moved > 0 && zip(routedBefore, routedAfter).allSatisfy { $0 == $1 || $1 == "s2" }, "keys only move to the node that gained points")
        #expect(abs(Double(moved) / Double(keys.count) - predicted.movedFraction) < 0.05, "moved \(moved) of \(keys.count), plan \(predicted.movedFraction)")
    }

    @Test func aClientSideRingChangesInTheFleetFileWithABackupAndItsCommentsKept() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-vnodes-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fleetFile = directory.appendingPathComponent("fleet.yaml").path
        let original = """
            fleet: t
            audit_log: \(directory.path)/audit.jsonl
            nodes:
              - { name: mc-1, kind: memcached, address: 127.0.0.1:1 }
            rings:
              - name: php          # the PHP fleet's libmemcached ring
                scheme: libmemcached
                members: [{ node: mc-1 }, { name: mc-9, address: 10.0.0.9:11211, weight: 2 }]
            """
        try original.write(toFile: fleetFile, atomically: true, encoding: .utf8)
        let refused = try await RingsideBinary.run(["vnodes", "php", "mc-9", "=480", "--config", fleetFile, "--yes", "--read-only"])
        #expect(refused.status == 1 && refused.stdout.contains("refused: read-only"), "\(refused.stdout) \(refused.stderr)")
        #expect(try String(contentsOfFile: fleetFile, encoding: .utf8) == original)
        let result = try await RingsideBinary.run(["vnodes", "php", "mc-9", "+100", "--config", fleetFile, "--yes"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("moves") && result.stdout.contains("the clients hashing on this ring must get the same weight"), "\(result.stdout)")
        // libmemcached places points per weight unit by the total: the plan says which weight +100 points is.
        let weight = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("weight ring/php/mc-9 ") }.flatMap { Int($0.split(separator: " ")[2]) })
        #expect(weight > 2)
        let rewritten = try String(contentsOfFile: fleetFile, encoding: .utf8)
        #expect(rewritten == original.replacingOccurrences(of: "weight: 2 }", with: "weight: \(weight) }"), "\(rewritten)")
        let second = try await RingsideBinary.run(["vnodes", "php", "mc-1", "+50", "--config", fleetFile, "--yes"])
        #expect(second.status == 0, "\(second.stdout) \(second.stderr)")
        #expect(try String(contentsOfFile: fleetFile, encoding: .utf8).contains("{ node: mc-1, weight: "), "a member without a weight gets one")
        let backups = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bak") }.sorted()
        #expect(backups.count == 2, "two changes within a second keep two backups: \(backups)")
        #expect(try backups.map { try String(contentsOfFile: directory.appendingPathComponent($0).path, encoding: .utf8) }.contains(original))
        let bad = try await RingsideBinary.run(["vnodes", "php", "mc-1", "40", "--config", fleetFile])
        #expect(bad.status == 2 && bad.stderr.contains("give +N or -N"), "\(bad.stderr)")
    }
}
