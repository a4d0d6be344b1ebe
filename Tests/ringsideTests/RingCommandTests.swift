import Foundation
import RingsideTestSupport
import Testing

@Suite struct RingCommandTests {
    /// A fleet file with a declared client-side ring, a twemproxy balancer whose config gives a pool, and nothing live.
    static func fleetFile() throws -> (file: URL, directory: URL) {
        let directory = try Daemon.scratchDirectory("ringfleet")
        try """
            alpha:
              listen: 127.0.0.1:22121
              hash: fnv1a_64
              distribution: ketama
              servers:
               - 10.0.0.1:11211:1 mc-1
               - 10.0.0.2:11211:1
               - 10.0.0.3:11212:2
            """.write(to: directory.appendingPathComponent("nutcracker.yml"), atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("fleet.yaml")
        try """
            fleet: rings
            nodes:
              - { name: mc-1, kind: memcached, address: 10.0.0.1:11211 }
              - { name: mc-2, kind: memcached, address: 10.0.0.2:11211 }
            balancers:
              - { name: twem, kind: twemproxy, address: 127.0.0.1:22222, nutcracker_config: \(directory.appendingPathComponent("nutcracker.yml").path) }
            rings:
              - name: php
                scheme: libmemcached
                members: [{ node: mc-1 }, { node: mc-2, weight: 2 }]
            """.write(to: file, atomically: true, encoding: .utf8)
        return (file, directory)
    }

    @Test func listsDeclaredAndImpliedRings() async throws {
        let fleet = try Self.fleetFile()
        let result = try await RingsideBinary.run(["ring", "list", "--config", fleet.file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("php "))
        #expect(result.stdout.contains("twem/alpha"))
        #expect(result.stdout.contains("twemproxy pool 'alpha'"))
    }

    @Test func showsExactSharesAsDocumentedJSON() async throws {
        let fleet = try Self.fleetFile()
        let result = try await RingsideBinary.run(["ring", "show", "twem/alpha", "--config", fleet.file.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "ringside.ring/1")
        let nodes = try #require(document["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["name"] as? String } == ["mc-1", "10.0.0.2", "10.0.0.3:11212"])
        #expect(nodes.map { $0["points"] as? Int } == [120, 120, 240])
        let total = nodes.compactMap { $0["share"] as? Double }.reduce(0, +)
        #expect(abs(total - 1) < 1e-9)
    }

    @Test func ownerPrintsKeyTabNodeFromArgumentsAndStandardInput() async throws {
        let fleet = try Self.fleetFile()
        let arguments = try await RingsideBinary.run(["ring", "owner", "php", "user:1", "user:2", "--config", fleet.file.path])
        #expect(arguments.status == 0, "\(arguments.stderr)")
        let lines = arguments.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("user:") && ($0.hasSuffix("\tmc-1") || $0.hasSuffix("\tmc-2")) })
        let piped = try await RingsideBinary.run(["ring", "owner", "php", "-", "--config", fleet.file.path], stdin: "user:1\nuser:2\n")
        #expect(piped.stdout == arguments.stdout)
    }

    @Test func planReportsMovedFractionFlowsAndTheTailEffect() async throws {
        let fleet = try Self.fleetFile()
        let text = try await RingsideBinary.run(["ring", "plan", "twem/alpha", "--weight", "mc-1=2", "--config", fleet.file.path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("moves "))
        #expect(text.stdout.contains("between nodes the change did not touch"))
        let json = try await RingsideBinary.run(["ring", "plan", "twem/alpha", "--remove", "10.0.0.2", "--config", fleet.file.path, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["schema"] as? String == "ringside.ring-plan/1")
        let moved = try #require(document["movedFraction"] as? Double)
        #expect(moved > 0.2 && moved < 0.6)
    }

    @Test func mistakesExitTwoAndSayWhatIsWrong() async throws {
        let fleet = try Self.fleetFile()
        let unknown = try await RingsideBinary.run(["ring", "show", "nope", "--config", fleet.file.path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no ring 'nope'"))
        let member = try await RingsideBinary.run(["ring", "plan", "php", "--remove", "mc-9", "--config", fleet.file.path])
        #expect(member.status == 2)
        #expect(member.stderr.contains("no member 'mc-9'"))
        let badFile = fleet.directory.appendingPathComponent("bad.yaml")
        try "rings:\n  - name: r\n    scheme: ketama\n    members: [{ name: a }]\n".write(to: badFile, atomically: true, encoding: .utf8)
        let bad = try await RingsideBinary.run(["ring", "list", "--config", badFile.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(badFile.path):3:13: ring 'r': scheme 'ketama' is not one of"))
        let down = try await RingsideBinary.run(["ring", "show", "--haproxy", "127.0.0.1:1", "--backend", "be"])
        #expect(down.status == 1)
        #expect(down.stderr.contains("connection refused"))
        // --load polls the balancer: a dead one is named with its error, not "waiting for the first poll".
        let deadFleet = fleet.directory.appendingPathComponent("dead-edge.yaml")
        try "fleet: t\nbalancers:\n  - { name: edge, kind: haproxy, address: \"127.0.0.1:1\" }\nrings:\n  - { name: app, balancer: edge, backend: be_app }\n"
            .write(to: deadFleet, atomically: true, encoding: .utf8)
        let load = try await RingsideBinary.run(["ring", "show", "app", "--load", "--config", deadFleet.path])
        #expect(load.status == 1)
        #expect(load.stderr == "ringside: ring 'app': HAProxy at 127.0.0.1:1: DOWN (connection refused)\n", "\(load.stderr)")
    }
}

@Suite(.enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "needs haproxy: apt-get install haproxy"))
struct RingCommandLiveTests {
    @Test func readsAnHAProxyBackendLive() async throws {
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(
                name: "be_cache", balance: "source", hashType: "consistent",
                servers: [.init(name: "a", port: freeLoopbackPort(), weight: 2, checked: false), .init(name: "b", port: freeLoopbackPort(), id: 7, checked: false)])
        ])
        defer { haproxy.stop() }
        let result = try await RingsideBinary.run(["ring", "show", "--haproxy", haproxy.address, "--backend", "be_cache", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let nodes = try #require(document["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["hashedAs"] as? String } == ["id 1", "id 7"])
        #expect(nodes.map { $0["points"] as? Int } == [32, 16])
    }

    @Test func aRoundRobinBackendHasNoRing() async throws {
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_rr", servers: [.init(name: "a", port: freeLoopbackPort(), checked: false)])
        ])
        defer { haproxy.stop() }
        let result = try await RingsideBinary.run(["ring", "show", "--haproxy", haproxy.address, "--backend", "be_rr"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("backend 'be_rr' balances by roundrobin, not by a hash: it has no ring"))
    }
}
