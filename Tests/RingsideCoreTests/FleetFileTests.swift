import Foundation
import Testing
@testable import RingsideCore

@Suite struct FleetFileTests {
    static let example = """
        fleet: prod-eu
        polling:
          interval: 2s
          timeout: 800ms
        thresholds:
          slow_latency: 20ms
          hit_ratio_warn: 85%
          memory_warn: 0.95
        nodes:
          - name: mc-1
            kind: memcached
            address: 10.0.0.1:11211
            pool: sessions
          - name: redis-a
            kind: redis
            address: "[::1]:6379"
            auth:
              username: monitor
              password_env: REDIS_A_PASSWORD
            commands:
              info: MYINFO
        balancers:
          - { name: edge, kind: haproxy, address: 10.0.0.9:9999 }
          - { name: twem, kind: twemproxy, address: 10.0.0.10:22222, nutcracker_config: /etc/nutcracker.yml }
        """

    @Test func parsesEveryPart() throws {
        let fleet = try FleetFile.parse(Self.example, file: "fleet.yaml")
        #expect(fleet.name == "prod-eu")
        #expect(fleet.polling.interval == .seconds(2))
        #expect(fleet.polling.timeout == .milliseconds(800))
        #expect(fleet.thresholds.slowLatency == .milliseconds(20))
        #expect(fleet.thresholds.hitRatioWarn == 0.85)
        #expect(fleet.thresholds.memoryFractionWarn == 0.95)
        #expect(fleet.thresholds.hitRatioCritical == 0.60)
        #expect(fleet.endpoints.map(\.name) == ["mc-1", "redis-a", "edge", "twem"])
        #expect(fleet.endpoints[0].pool == "sessions")
        #expect(fleet.endpoints[1].address == HostPort(host: "::1", port: 6379))
        #expect(fleet.endpoints[1].credentials == Credentials(username: "monitor", password: .environment("REDIS_A_PASSWORD")))
        #expect(fleet.endpoints[1].commandAliases == ["INFO": "MYINFO"])
        #expect(fleet.endpoints[3].nutcrackerConfigPath == "/etc/nutcracker.yml")
        #expect(fleet.cacheNodes.count == 2 && fleet.balancers.count == 2)
    }

    @Test(arguments: [
        ("nodes:\n  - name: a\n    kind: memcached\n    adress: 1.2.3.4:11211\n", "f.yaml:4:5: unknown key 'adress'"),
        ("nodes:\n  - name: a\n    kind: memcached\n    address: 1.2.3.4\n", "f.yaml:4:14: 'a': address '1.2.3.4': expected host:port"),
        ("nodes:\n  - name: a\n    kind: memcached\n    address: h:99999\n", "f.yaml:4:14: 'a': address 'h:99999': the port must be"),
        ("nodes:\n  - name: a\n    address: h:1\n", "f.yaml:2:5: 'a' needs a kind"),
        ("nodes:\n  - name: a\n    kind: haproxy\n    address: h:1\n", "f.yaml:3:11: 'a': kind 'haproxy' is not one of memcached or redis"),
        ("nodes:\n  - name: r\n    kind: redis\n    address: h:1\n    auth: { password: hunter2 }\n", "f.yaml:5:13: 'r': a password is never written"),
        ("nodes:\n  - {name: a, kind: redis, address: 'h:1'}\n  - {name: a, kind: redis, address: 'h:2'}\n", "f.yaml:3:5: the name 'a' is used twice"),
        ("polling:\n  interval: fast\nnodes: []\n", "f.yaml:2:13: polling.interval must be a positive duration"),
        ("nodes:\n  - name: a\n   kind: x\n", "f.yaml:3:4: YAML syntax: did not find expected"),
        ("fleet: x\n", "f.yaml:1:1: the fleet has no nodes, no balancers and no rings"),
        ("", "f.yaml: the file is empty"),
    ])
    func namesFileLineAndProblem(text: String, expected: String) {
        #expect {
            try FleetFile.parse(text, file: "f.yaml")
        } throws: { error in
            "\(error)".hasPrefix(expected)
        }
    }

    @Test func addressesParse() throws {
        #expect(try HostPort.parse("cache-1.internal:11211").get() == HostPort(host: "cache-1.internal", port: 11211))
        #expect(try HostPort.parse("[fe80::1]:6379").get().description == "[fe80::1]:6379")
        #expect((try? HostPort.parse(":80").get()) == nil)
    }

    @Test func durationsReadAsOperatorsWriteThem() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1.5s") == .milliseconds(1500))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("5") == nil)
        #expect(DurationText.format(.milliseconds(1500)) == "1.5s")
    }
}

@Suite struct NaturalOrderTests {
    @Test func digitsCompareAsNumbers() {
        let names = ["mc-10", "mc-2", "mc-1", "cache-eu-9", "cache-eu-10", "mc-02", "mc"]
        #expect(names.sorted(by: NaturalOrder.less) == ["cache-eu-9", "cache-eu-10", "mc", "mc-1", "mc-2", "mc-02", "mc-10"]
            || names.sorted(by: NaturalOrder.less) == ["cache-eu-9", "cache-eu-10", "mc", "mc-1", "mc-02", "mc-2", "mc-10"])
        #expect(NaturalOrder.less("mc-2", "mc-10") && !NaturalOrder.less("mc-10", "mc-2"))
        #expect(!NaturalOrder.less("a", "a"))
    }

    @Test func balancerGroupsReadOnlyAndTheAuditLogAreRead() throws {
        let fleet = try FleetFile.parse("""
            fleet: t
            read_only: true
            audit_log: /var/log/ringside/audit.jsonl
            balancers:
              - { name: edge-a, kind: haproxy, address: 10.0.0.9:9999, group: edge }
              - { name: edge-b, kind: haproxy, address: 10.0.0.19:9999, group: edge }
              - { name: solo, kind: haproxy, address: 10.0.0.29:9999 }
            """, file: "f.yaml")
        #expect(fleet.readOnly && fleet.auditLogPath == "/var/log/ringside/audit.jsonl")
        #expect(fleet.haproxyMembers(of: "edge").map(\.name) == ["edge-a", "edge-b"])
        #expect(fleet.haproxyMembers(of: "edge-b").map(\.name) == ["edge-b"] && fleet.haproxyMembers(of: "solo").map(\.name) == ["solo"])
        #expect(throws: ConfigError.self) {
            try FleetFile.parse("balancers:\n  - { name: t, kind: twemproxy, address: 10.0.0.1:22222, group: edge }\n", file: "f.yaml")
        }
        do {
            _ = try FleetFile.parse("balancers:\n  - { name: edge, kind: haproxy, address: 10.0.0.1:9999, group: edge }\n", file: "f.yaml")
            Issue.record("a group named like a balancer was accepted")
        } catch let error as ConfigError {
            #expect("\(error)".contains("f.yaml:2") && "\(error)".contains("the group 'edge' has the name of a node or balancer"), "\(error)")
        }
    }

    /// The fleet file the README shows is one ringside reads.
    @Test func theReadmeExampleParses() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n")), end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let fleet = try FleetFile.parse(String(readme[start.upperBound..<end.lowerBound]), file: "README.md")
        #expect(fleet.haproxyMembers(of: "edge").count == 2 && fleet.readOnly == false)
    }
}
