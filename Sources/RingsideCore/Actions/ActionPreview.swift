import Foundation

/// A server's state as far as actions are concerned: what the preview shows before and expects after, and what
/// verification compares.
public struct ServerActionState: Sendable, Equatable, Codable {
    /// Exactly what `show stat` printed (`UP`, `DRAIN`, `MAINT`, `DOWN 1/2`, …).
    public var status: String
    /// What an operator set: ready, drain or maint (`srv_admin_state`).
    public var adminState: ServerAdminState
    public var userWeight: Int
    public var initialWeight: Int
    @Nullable public var sessions: Int?
    @Nullable public var queued: Int?

    public init(status: String, adminState: ServerAdminState, userWeight: Int, initialWeight: Int, sessions: Int? = nil, queued: Int? = nil) {
        self.status = status
        self.adminState = adminState
        self.userWeight = userWeight
        self.initialWeight = initialWeight
        self.sessions = sessions
        self.queued = queued
    }

    /// From a polled server; `nil` without its `show servers state` row (an operator-level socket may refuse it).
    public init?(_ server: HAProxyServer) {
        guard let runtime = server.runtime else { return nil }
        self.init(
            status: server.status.text, adminState: runtime.forcedState, userWeight: runtime.userWeight, initialWeight: runtime.initialWeight,
            sessions: server.currentSessions, queued: server.queued)
    }

    /// Whether this state has what `expected` asks for (the admin state and the user weight; the rest is live).
    public func satisfies(_ expected: ServerActionState) -> Bool {
        adminState == expected.adminState && userWeight == expected.userWeight
    }

    /// `DRAIN, weight 5 (initial 1), 3 sessions`; `DOWN (drain set), …` when the status hides the operator's state.
    public var summary: String {
        let hidden = adminState != .ready && !status.hasPrefix(adminState.statusWord)
        var text = "\(status)\(hidden ? " (\(adminState.rawValue) set)" : ""), weight \(userWeight) (initial \(initialWeight))"
        if let sessions { text += ", \(sessions) session\(sessions == 1 ? "" : "s")" }
        if let queued, queued > 0 { text += ", \(queued) queued" }
        return text
    }
}

/// What one balancer of the target will be sent, and why.
public struct MemberPlan: Sendable, Equatable, Codable {
    /// The fleet endpoint (a balancer).
    public var endpoint: String
    public var address: String
    public var commands: [HAProxyCommand]
    @Nullable public var before: ServerActionState?
    @Nullable public var expected: ServerActionState?
    public var warnings: [String]
    /// Why nothing can be sent to this member (unreachable, no such server, no admin level); `nil` when it can.
    @Nullable public var problem: String?

    public init(
        endpoint: String, address: String, commands: [HAProxyCommand] = [], before: ServerActionState? = nil,
        expected: ServerActionState? = nil, warnings: [String] = [], problem: String? = nil
    ) {
        self.endpoint = endpoint
        self.address = address
        self.commands = commands
        self.before = before
        self.expected = expected
        self.warnings = warnings
        self.problem = problem
    }

    /// The server already is as asked: nothing is sent.
    public var alreadyInEffect: Bool { problem == nil && commands.isEmpty }
}

/// A twemproxy pool change: the nutcracker config rewritten (one server line), then the balancer's apply
/// command, then its stats port read until the pool serves again.
public struct ConfigChangePlan: Sendable, Equatable, Codable {
    /// The twemproxy balancer of the fleet.
    public var balancer: String
    public var statsAddress: String
    public var edit: NutcrackerEdit
    /// The fleet file's `apply_command` for that balancer, run with `/bin/sh -c`.
    public var applyCommand: String

    public init(balancer: String, statsAddress: String, edit: NutcrackerEdit, applyCommand: String) {
        self.balancer = balancer
        self.statsAddress = statsAddress
        self.edit = edit
        self.applyCommand = applyCommand
    }
}

/// Everything an operator sees before confirming: per balancer, the exact commands, the state before and the
/// state expected after, and the warnings. Nothing has been sent when a preview exists.
public struct ActionPreview: Sendable, Equatable, Codable {
    public var action: OperatorAction
    public var members: [MemberPlan]
    /// Warnings about the action as a whole (members that disagree before it).
    public var warnings: [String]
    /// A twemproxy pool change instead of HAProxy commands.
    @Nullable public var configChange: ConfigChangePlan?
    /// A client-side ring's change, made in the fleet file.
    @Nullable public var fleetFileEdit: FleetFileEdit?

    public init(
        action: OperatorAction, members: [MemberPlan], warnings: [String] = [], configChange: ConfigChangePlan? = nil, fleetFileEdit: FleetFileEdit? = nil
    ) {
        self.action = action
        self.members = members
        self.warnings = warnings
        self.configChange = configChange
        self.fleetFileEdit = fleetFileEdit
    }

    /// Nothing would be sent anywhere, because every member already is as asked.
    public var alreadyInEffect: Bool { !changesAFile && members.allSatisfy(\.alreadyInEffect) }
    /// Something would be sent.
    public var sendsAnything: Bool { changesAFile || members.contains { !$0.commands.isEmpty } }
    private var changesAFile: Bool { configChange != nil || fleetFileEdit != nil }
    public var allWarnings: [String] { warnings + members.flatMap { member in member.warnings.map { "\(member.endpoint): \($0)" } } }
}
