/// What a balancer of the target looked like just before the action, read fresh (not from the last poll).
public struct MemberReading: Sendable {
    public var endpoint: String
    public var address: String
    /// The balancer's servers, or why they could not be read.
    public var snapshot: Result<HAProxySnapshot, ActionError>
    /// `show cli level`: `admin`, `operator` or `user`; `nil` when unknown (older HAProxy).
    public var cliLevel: String?

    public init(endpoint: String, address: String, snapshot: Result<HAProxySnapshot, ActionError>, cliLevel: String?) {
        self.endpoint = endpoint
        self.address = address
        self.snapshot = snapshot
        self.cliLevel = cliLevel
    }
}

/// Turns an action and the fresh state of every balancer it targets into a preview: the exact commands per
/// balancer, before and expected after, and what HAProxy would refuse or silently undo. Pure.
public enum ActionPlanner {
    /// - Parameter consistentBackends: `balancer/backend` pairs declared `hash_type: consistent` in the fleet file
    ///   (HAProxy's stats do not say whether a hashing backend is consistent or map-based, which is static).
    public static func preview(_ action: OperatorAction, readings: [MemberReading], consistentBackends: Set<String> = []) -> ActionPreview {
        let members = readings.map { plan(action, $0, consistentBackends: consistentBackends) }
        var warnings: [String] = []
        let befores = Set(members.compactMap { $0.before.map { "\($0.adminState.rawValue) weight \($0.userWeight)" } })
        if befores.count > 1 {
            warnings.append("the members disagree before the action (SPLIT): " + members.compactMap { member in
                member.before.map { "\(member.endpoint) \($0.adminState.statusWord) weight \($0.userWeight)" }
            }.joined(separator: ", "))
        }
        return ActionPreview(action: action, members: members, warnings: warnings)
    }

    static func plan(_ action: OperatorAction, _ reading: MemberReading, consistentBackends: Set<String>) -> MemberPlan {
        var plan = MemberPlan(endpoint: reading.endpoint, address: reading.address)
        let target = action.target
        let snapshot: HAProxySnapshot
        switch reading.snapshot {
        case let .success(read): snapshot = read
        case let .failure(error):
            plan.problem = "could not read its state: \(error)"
            return plan
        }
        guard let backend = snapshot.backends.first(where: { $0.name == target.backend }) else {
            plan.problem = "no backend '\(target.backend)' (backends: \(snapshot.backends.map(\.name).joined(separator: ", ")))"
            return plan
        }
        guard let server = backend.servers.first(where: { $0.name == target.server }) else {
            plan.problem = "no server '\(target.server)' in \(target.backend) (servers: \(backend.servers.map(\.name).joined(separator: ", ")))"
            return plan
        }
        guard let before = ServerActionState(server) else {
            plan.problem = "'show servers state' was refused, so its state cannot be verified; ringside needs an admin-level socket"
            return plan
        }
        plan.before = before
        if let level = reading.cliLevel, level != "admin" {
            plan.problem = "the socket is at \(level) level: HAProxy answers 'Permission denied' to every change (needs 'level admin')"
            return plan
        }
        var expected = before
        switch action.verb {
        case let .state(state):
            expected.adminState = state
            plan.expected = expected
            if before.adminState == state { return plan }
            plan.commands = [.setState(backend: target.backend, server: target.server, state)]
            if state == .ready, server.runtime?.agentEnabled == true {
                plan.warnings.append("an agent check runs on \(target.serverPath): a 'drain' or 'maint' in its reply puts it back")
            }
        case .poolWeight, .poolRemove, .ringMemberWeight:
            plan.problem = "a nutcracker config change is planned by the ring, not on an HAProxy server"
            return plan
        case .shutdownSessions:
            plan.expected = expected
            if before.sessions == 0 { return plan }
            plan.commands = [.shutdownSessions(backend: target.backend, server: target.server)]
        case let .weight(request):
            let weight = request.resolved(current: before.userWeight, initial: before.initialWeight)
            expected.userWeight = weight
            plan.expected = expected
            if before.userWeight == weight { return plan }
            let isStatic = isStatic(backend, balancer: reading.endpoint, consistentBackends: consistentBackends)
            if case let .percent(percent) = request, percent > 0, weight == 0 {
                plan.warnings.append(
                    "\(percent)% of the initial weight \(before.initialWeight) is 0 in HAProxy's integer arithmetic: the server leaves load balancing")
            }
            if server.runtime?.agentEnabled == true {
                plan.warnings.append("an agent check runs on \(target.serverPath): its next reply overrides a manual weight (disable agent \(target.serverPath) first)")
            }
            if isStatic, weight != 0, weight != before.initialWeight {
                plan.warnings.append(
                    "\(target.backend) uses a static algorithm (\(backend.algorithm ?? "?")): HAProxy accepts only 0% and 100%, and will refuse \(weight)")
            }
            // On a static algorithm only the percentages pass; they mean the same on a dynamic one.
            let value: HAProxyCommand.WeightValue =
                isStatic && weight == 0 ? .percent(0) : isStatic && weight == before.initialWeight ? .percent(100) : .absolute(weight)
            plan.commands = [.setWeight(backend: target.backend, server: target.server, value)]
        }
        return plan
    }

    /// static-rr, and hashing algorithms unless declared consistent (HAProxy's default hash-type is map-based).
    static func isStatic(_ backend: HAProxyBackend, balancer: String, consistentBackends: Set<String>) -> Bool {
        guard let algorithm = backend.algorithm else { return false }
        if algorithm == "static-rr" { return true }
        let hashing = ["source", "uri", "url_param", "hdr", "rdp-cookie", "hash"].contains { algorithm.hasPrefix($0) }
        return hashing && !consistentBackends.contains("\(balancer)/\(backend.name)")
    }
}
