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

/// A config edited by someone else between the preview and the apply is never overwritten.
@Suite struct RewriteUnchangedTests {
    @Test func aFileChangedSinceThePreviewIsLeftAlone() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-rewrite-\(UUID().uuidString.prefix(8)).yml").path
        try "alpha:\n  servers:\n   - 127.0.0.1:1:2 mc-1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let result = ActionRunner.rewriteUnchanged(path, line: 3, was: "   - 127.0.0.1:1:1 mc-1", keeping: "the config") { current in
            (try? NutcrackerEdit.settingWeight(in: current, path: path, pool: "alpha", server: "mc-1", to: 3)).map { ($0.text, $0.lineNumber, $0.oldLine) }
        }
        guard case let .failure(reason) = result else { Issue.record("overwrote a changed file"); return }
        #expect(reason.description == "\(path) changed since the preview; nothing was written")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "alpha:\n  servers:\n   - 127.0.0.1:1:2 mc-1\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent).allSatisfy { !$0.hasPrefix((path as NSString).lastPathComponent + ".ringside-") }, "no backup either")
    }
}
