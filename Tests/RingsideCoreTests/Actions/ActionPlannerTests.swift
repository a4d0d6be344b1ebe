import Testing
@testable import RingsideCore

/// What HAProxy would refuse or silently undo is said before anything is sent.
@Suite struct ActionPlannerTests {
    static func backend(algorithm: String = "roundrobin", agent: Int? = nil, admin: Int = 0, weight: Int = 1, initial: Int = 1) -> HAProxySnapshot {
        var backend = HAProxyBackend(name: "be", status: HAProxyStatus("UP"), algorithm: algorithm)
        var server = HAProxyServer(backend: "be", name: "s1", sid: 1, status: HAProxyStatus("UP"))
        server.runtime = HAProxyRuntimeState(operationalState: 2, adminState: admin, userWeight: weight, initialWeight: initial, agentState: agent)
        backend.servers = [server]
        return HAProxySnapshot(info: [:], backends: [backend])
    }

    static func plan(_ verb: OperatorAction.Verb, _ snapshot: HAProxySnapshot, level: String? = "admin", consistent: Set<String> = []) -> MemberPlan {
        let action = OperatorAction(target: ServerTarget(scope: "edge", backend: "be", server: "s1"), verb: verb)
        return ActionPlanner.preview(action, readings: [MemberReading(endpoint: "edge", address: "a", snapshot: .success(snapshot), cliLevel: level)], consistentBackends: consistent).members[0]
    }

    @Test func aPercentageThatTruncatesToZeroIsSaid() {
        let plan = Self.plan(.weight(.percent(50)), Self.backend())
        #expect(plan.commands == [.setWeight(backend: "be", server: "s1", .absolute(0))])
        #expect(plan.warnings.contains { $0.contains("50% of the initial weight 1 is 0") })
    }

    @Test func anAgentCheckThatWillOverrideAManualWeightIsSaid() {
        #expect(Self.plan(.weight(.absolute(3)), Self.backend(agent: 0x06)).warnings.contains { $0.contains("its next reply overrides a manual weight") })
        #expect(Self.plan(.weight(.absolute(3)), Self.backend()).warnings.isEmpty)
    }

    @Test func staticAlgorithmsTakeOnlyZeroAndAHundredPercent() {
        let refused = Self.plan(.weight(.absolute(3)), Self.backend(algorithm: "static-rr"))
        #expect(refused.warnings.contains { $0.contains("static algorithm (static-rr)") })
        #expect(Self.plan(.weight(.initial), Self.backend(algorithm: "static-rr", weight: 0)).commands == [.setWeight(backend: "be", server: "s1", .percent(100))])
        // A hashing backend is map-based (static) unless declared consistent.
        #expect(!Self.plan(.weight(.absolute(3)), Self.backend(algorithm: "source")).warnings.isEmpty)
        #expect(Self.plan(.weight(.absolute(3)), Self.backend(algorithm: "source"), consistent: ["edge/be"]).warnings.isEmpty)
    }

    @Test func aSocketBelowAdminSendsNothingAndAStateAlreadySetIsANoOp() {
        #expect(Self.plan(.state(.drain), Self.backend(), level: "operator").problem?.contains("Permission denied") == true)
        let already = Self.plan(.state(.drain), Self.backend(admin: 0x08))
        #expect(already.alreadyInEffect && already.commands.isEmpty)
        #expect(Self.plan(.weight(.step(10)), Self.backend(weight: 250)).commands == [.setWeight(backend: "be", server: "s1", .absolute(256))], "steps stay within 0…256")
    }

    @Test func membersThatDisagreeBeforeTheActionAreASplit() {
        let action = OperatorAction(target: ServerTarget(scope: "edge", backend: "be", server: "s1"), verb: .state(.ready))
        let readings = [("edge-a", Self.backend()), ("edge-b", Self.backend(admin: 0x08))].map {
            MemberReading(endpoint: $0.0, address: "a", snapshot: .success($0.1), cliLevel: "admin")
        }
        let preview = ActionPlanner.preview(action, readings: readings)
        #expect(preview.warnings == ["the members disagree before the action (SPLIT): edge-a READY weight 1, edge-b DRAIN weight 1"])
        #expect(preview.members.map(\.commands.count) == [0, 1], "only the member not yet ready is sent the command")
    }
}
