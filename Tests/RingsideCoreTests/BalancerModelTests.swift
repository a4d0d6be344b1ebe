import Testing
@testable import RingsideCore

@Suite struct BalancerModelTests {
    @Test(arguments: [
        ("UP", HAProxyStatus.State.up, false, true), ("UP 1/3", .up, true, true), ("DOWN", .down, true, false),
        ("DOWN 1/2", .down, true, false), ("DOWN (agent)", .down, true, false), ("NOLB", .nolb, false, false),
        ("DRAIN", .drain, false, false), ("DRAIN (agent)", .drain, false, false), ("no check", .noCheck, false, true),
        ("MAINT", .maint, false, false), ("MAINT (via be_app/s1)", .maint, false, false), ("MAINT (resolution)", .maint, false, false),
    ])
    func haproxyStatusForms(text: String, state: HAProxyStatus.State, failing: Bool, serving: Bool) {
        let status = HAProxyStatus(text)
        #expect(status.state == state)
        #expect(status.isFailing == failing)
        #expect(status.isServing == serving)
        #expect(status.text == text)
    }

    @Test func statusKeepsTransitionAndQualifier() {
        let going = HAProxyStatus("UP 1/3")
        #expect(going.transition?.done == 1 && going.transition?.needed == 3)
        #expect(HAProxyStatus("MAINT (via be_app/s1)").qualifier == "via be_app/s1")
    }

    @Test(arguments: [
        (2, 0, 1, true), (1, 0, 1, true), (0, 0, 1, false), (3, 0, 1, false), (2, 0x08, 1, false), (2, 0x01, 1, false),
        (2, 0x20, 1, false), (2, 0x04, 1, true), (2, 0, 0, false),
    ])
    func runtimeStateUsability(op: Int, admin: Int, weight: Int, usable: Bool) {
        #expect(HAProxyRuntimeState(operationalState: op, adminState: admin, userWeight: weight, initialWeight: 1).isUsable == usable)
    }

    @Test func twemproxyEjectionFollowsRetryTimeout() {
        let server = TwemproxyServer(name: "mc-dead", ejectedAtMicroseconds: 1_000_000_000_000)
        let policy = TwemproxyEjectionPolicy(autoEjectHosts: true, retryTimeoutMilliseconds: 30_000, fromConfig: true)
        #expect(server.isEjected(nowMicroseconds: 1_000_000_000_000 + 29_000_000, policy: policy))
        #expect(!server.isEjected(nowMicroseconds: 1_000_000_000_000 + 30_000_000, policy: policy))
        #expect(!server.isEjected(nowMicroseconds: 1_000_000_000_001, policy: .init(autoEjectHosts: false, retryTimeoutMilliseconds: 30_000, fromConfig: true)))
        #expect(!TwemproxyServer(name: "never").isEjected(nowMicroseconds: 5, policy: policy))
    }

    @Test func nutcrackerConfigWithDefaultsAndNamedServers() throws {
        let config = try NutcrackerConfig.parse(
            """
            alpha:
              listen: 127.0.0.1:22121
              auto_eject_hosts: true
              server_retry_timeout: 2000
              servers:
               - 127.0.0.1:11211:1 mc-a
               - 10.0.0.2:11212:3
            beta:
              listen: 127.0.0.1:22122
              hash: md5
              servers:
               - 127.0.0.1:6379:1
            """, file: "nc.yml")
        let alpha = try #require(config.pool(named: "alpha"))
        #expect(alpha.ejection == TwemproxyEjectionPolicy(autoEjectHosts: true, retryTimeoutMilliseconds: 2000, fromConfig: true))
        #expect(alpha.hash == "fnv1a_64" && alpha.distribution == "ketama" && alpha.serverFailureLimit == 2)
        #expect(alpha.servers[0] == .init(host: "127.0.0.1", port: 11211, weight: 1, name: "mc-a"))
        #expect(alpha.servers[1] == .init(host: "10.0.0.2", port: 11212, weight: 3, name: nil))
        #expect(config.pool(named: "beta")?.ejection.autoEjectHosts == false)
        #expect(config.pool(named: "beta")?.hash == "md5")
    }

    @Test func nutcrackerConfigRejectsAZeroWeightWithItsLine() {
        #expect {
            try NutcrackerConfig.parse("alpha:\n  servers:\n   - 127.0.0.1:11211:0\n", file: "nc.yml")
        } throws: { "\($0)".hasPrefix("nc.yml:3:6: server '127.0.0.1:11211:0'") }
    }
}
