import Foundation
import RingsideCore
import RingsideEngine
import RingsideTestSupport
import Testing

/// `ringside vnodes` on a twemproxy pool: the nutcracker config is rewritten with a backup, nutcracker restarted by
/// the fleet file's apply_command, and keys set through it land where the new ring says, key by key.
@Suite(.serialized, .heavy, .enabled(if: DaemonKind.nutcracker.shouldRunLiveTests && DaemonKind.memcached.shouldRunLiveTests, "needs nutcracker and memcached"))
struct PoolVNodesTests {
    @Test func aVirtualNodeChangeRewritesTheConfigRestartsNutcrackerAndRoutesByTheNewRing() async throws {
        let caches = try (1...3).map { _ in try Daemons.memcached() }
        let servers = caches.enumerated().map { (name: "mc-\($0 + 1)", port: $1.port) }
        let nutcracker = try await RestartableNutcracker(servers: servers)
        let config = nutcracker.configPath, directory = nutcracker.directory
        let original = try String(contentsOfFile: config, encoding: .utf8)
        let fleetFile = directory.appendingPathComponent("fleet.yaml").path
        try """
            fleet: t
            audit_log: \(directory.path)/audit.jsonl
            balancers:
              - name: twem
                kind: twemproxy
                address: 127.0.0.1:\(nutcracker.statsPort)
                nutcracker_config: \(config)
                apply_command: \(nutcracker.restartCommand.debugDescription)
            """.write(toFile: fleetFile, atomically: true, encoding: .utf8)
        let backends = servers.map { (name: $0.name, host: "127.0.0.1", port: $0.port) }

        // Read-only: nothing written, nothing run.
        let refused = try await RingsideBinary.run(["vnodes", "twem/alpha", "mc-2", "+160", "--config", fleetFile, "--yes", "--read-only"])
        #expect(refused.status == 1 && refused.stdout.contains("refused: read-only"), "\(refused.stdout) \(refused.stderr)")
        #expect(try String(contentsOfFile: config, encoding: .utf8) == original)

        let before = try HashRing(try await RingCatalog.definition(
            of: RingDeclaration(name: "twem/alpha", source: .twemproxyPool(configPath: config, pool: "alpha")), limits: .init()))
        let predicted = try RingPlan(before, changes: [.virtualNodes(node: "mc-2", delta: 160)]).after
        let weight = try #require(predicted.definition.members.first { $0.name == "mc-2" }?.weight)
        #expect(weight > 1)
        let result = try await RingsideBinary.run(["vnodes", "twem/alpha", "mc-2", "+160", "--config", fleetFile, "--yes", "--verify-timeout", "10s"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("moves"), "the ring plan is printed: \(result.stdout)")
        let rewritten = try String(contentsOfFile: config, encoding: .utf8)
        #expect(rewritten.contains("127.0.0.1:\(caches[1].port):\(weight) mc-2   # cache 2") && rewritten.contains("# the test pool; this comment must survive"))
        #expect(rewritten.replacingOccurrences(of: ":\(caches[1].port):\(weight) ", with: ":\(caches[1].port):1 ") == original, "only that weight changed")
        let backups = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bak") }
        #expect(backups.count == 1)
        #expect(try backups.first.map { try String(contentsOfFile: directory.appendingPathComponent($0).path, encoding: .utf8) } == original)

        let keys = (0..<2000).map { "after:\($0)" }
        let routed = try await RingProbe.routeThroughNutcracker(listenPort: nutcracker.listenPort, keys: keys, backends: backends)
        let mismatches = keys.filter { routed[$0] ?? nil != predicted.nodes[predicted.owner(ofKey: $0)!].name }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(keys.count) keys, e.g. \(mismatches.prefix(3))")
        let audit = try await RingsideBinary.run(["audit", "--config", fleetFile])
        #expect(audit.stdout.contains("weight twem/alpha/mc-2 \(weight) (nutcracker config)  applied"), "\(audit.stdout)")
        #expect(audit.stdout.contains("/bin/sh -c kill"), "the apply command is audited: \(audit.stdout)")
    }
}
