import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-pool-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("nutcracker.yml").path, pidFile = directory.appendingPathComponent("nutcracker.pid").path
        let (listen, stats) = (freeLoopbackPort(), freeLoopbackPort())
        let original = """
            # the test pool; this comment must survive the rewrite
            alpha:
              listen: 127.0.0.1:\(listen)
              hash: fnv1a_64
              distribution: ketama
              timeout: 400
              servers:
            \(caches.enumerated().map { "   - 127.0.0.1:\($1.port):1 mc-\($0 + 1)   # cache \($0 + 1)" }.joined(separator: "\n"))

            """
        try original.write(toFile: config, atomically: true, encoding: .utf8)
        let start = "nutcracker -d -c \(config) -s \(stats) -a 127.0.0.1 -p \(pidFile) -o \(directory.path)/nutcracker.log -i 200"
        let restart = "kill $(cat \(pidFile)); while kill -0 $(cat \(pidFile)) 2>/dev/null; do sleep 0.05; done; \(start)"
        #expect(system(start) == 0)
        defer { _ = system("kill $(cat \(pidFile)) 2>/dev/null") }
        try await waitForPort(stats)
        let fleetFile = directory.appendingPathComponent("fleet.yaml").path
        try """
            fleet: t
            audit_log: \(directory.path)/audit.jsonl
            balancers:
              - name: twem
                kind: twemproxy
                address: 127.0.0.1:\(stats)
                nutcracker_config: \(config)
                apply_command: \(restart.debugDescription)
            """.write(toFile: fleetFile, atomically: true, encoding: .utf8)
        let backends = caches.enumerated().map { (name: "mc-\($0 + 1)", host: "127.0.0.1", port: $1.port) }

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
        let routed = try await RingProbe.routeThroughNutcracker(listenPort: listen, keys: keys, backends: backends)
        let mismatches = keys.filter { routed[$0] ?? nil != predicted.nodes[predicted.owner(ofKey: $0)!].name }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(keys.count) keys, e.g. \(mismatches.prefix(3))")
        let audit = try await RingsideBinary.run(["audit", "--config", fleetFile])
        #expect(audit.stdout.contains("weight twem/alpha/mc-2 \(weight) (nutcracker config)  applied"), "\(audit.stdout)")
        #expect(audit.stdout.contains("/bin/sh -c kill"), "the apply command is audited: \(audit.stdout)")
    }

    func waitForPort(_ port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if Self.accepts(port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("nutcracker's stats port \(port) never listened")
    }

    /// A TCP connect to the port succeeds.
    static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }
}
