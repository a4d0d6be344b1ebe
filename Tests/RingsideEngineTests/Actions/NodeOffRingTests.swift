import Foundation
import NIOPosix
import RingsideCore
import RingsideTestSupport
import Testing
@testable import RingsideEngine

/// Taking a cache node off its ring, as the overview's `d` does: on twemproxy, the server line is removed and
/// nutcracker restarted; keys then route by the ring without it.
@Suite(.serialized, .enabled(if: DaemonKind.nutcracker.shouldRunLiveTests && DaemonKind.memcached.shouldRunLiveTests, "needs nutcracker and memcached"))
struct NodeOffRingTests {
    @Test func aCacheNodeLeavesItsTwemproxyPoolAndKeysRouteWithoutIt() async throws {
        try await heavyTest {
            let caches = try (1...3).map { _ in try Daemons.memcached() }
            let servers = caches.enumerated().map { (name: "mc-\($0 + 1)", port: $1.port) }
            let nutcracker = try await RestartableNutcracker(servers: servers)
            var twem = Endpoint(name: "twem", kind: .twemproxy, address: HostPort(host: "127.0.0.1", port: nutcracker.statsPort))
            twem.nutcrackerConfigPath = nutcracker.configPath
            twem.applyCommand = nutcracker.restartCommand
            let nodes = servers.map { Endpoint(name: $0.name, kind: .memcached, address: HostPort(host: "127.0.0.1", port: $0.port)) }
            var runner = ActionRunner(
                fleet: Fleet(name: "t", endpoints: nodes + [twem]), gate: .open,
                audit: AuditLog(path: nutcracker.directory.appendingPathComponent("audit.jsonl").path),
                operatorIdentity: AuditOperator(user: "t", sudoUser: nil, sshClient: nil), host: "h", version: "v", group: MultiThreadedEventLoopGroup.singleton)
            runner.verifyTimeout = .seconds(10)
            let planned = try await runner.planNodeOffRing(node: "mc-2")
            #expect(planned.preview.action.summary == "remove twem/alpha/mc-2 (nutcracker config)")
            #expect(planned.preview.allWarnings.contains { $0.contains("twemproxy has no drain") })
            let report = await runner.execute(planned.preview)
            #expect(report.result == .applied, "\(report.members.map(\.detail))")
            let config = try String(contentsOfFile: nutcracker.configPath, encoding: .utf8)
            #expect(!config.contains("mc-2") && config.contains("mc-1") && config.contains("mc-3"))
            let keys = (0..<1000).map { "off:\($0)" }
            let routed = try await RingProbe.routeThroughNutcracker(
                listenPort: nutcracker.listenPort, keys: keys, backends: servers.map { (name: $0.name, host: "127.0.0.1", port: $0.port) })
            #expect(keys.allSatisfy { routed[$0] ?? nil != "mc-2" } && keys.allSatisfy { routed[$0] ?? nil != nil }, "every key lands, none on mc-2")
        }
    }
}
