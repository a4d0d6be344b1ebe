import Foundation

/// Who acted: enough to find the person afterwards, never a secret.
public struct AuditOperator: Sendable, Equatable, Codable {
    public var user: String
    /// The user behind `sudo`, when there is one.
    @Nullable public var sudoUser: String?
    /// The SSH client's address (the first field of `SSH_CONNECTION`).
    @Nullable public var sshClient: String?

    public init(user: String, sudoUser: String?, sshClient: String?) {
        self.user = user
        self.sudoUser = sudoUser
        self.sshClient = sshClient
    }

    public init(user: String, environment: [String: String]) {
        self.init(
            user: user, sudoUser: environment["SUDO_USER"].flatMap { $0.isEmpty ? nil : $0 },
            sshClient: environment["SSH_CONNECTION"]?.split(separator: " ").first.map(String.init))
    }
}

/// One line of the audit log (`ringside.audit/1`): one action, written when it has ended. (While it runs, the
/// same record with what is planned waits in the log's in-flight folder; an action that never ended is written
/// from there as `interrupted`.)
public struct AuditRecord: Sendable, Equatable, Codable {
    public var schema = "ringside.audit/1"
    public var id: String
    /// When the action began.
    public var time: Date
    public var `operator`: AuditOperator
    public var host: String
    public var version: String
    /// `drain edge/be_app/app-3`.
    public var action: String
    public var target: String
    /// What was sent and answered per balancer, before and after (for an interrupted action: what was planned).
    public var endpoints: [MemberOutcome]
    public var result: ActionResult
    /// `nil` when interrupted.
    @Nullable public var durationMs: Double?
    public var warnings: [String]
    /// The cache nodes a warm reads: their hit counters count its reads while it runs, so their hit ratios are
    /// marked for that time. `nil` for actions that read no cache node.
    @Nullable public var readsFrom: [String]?

    public init(
        id: String, time: Date, operator: AuditOperator, host: String, version: String, action: OperatorAction,
        endpoints: [MemberOutcome], result: ActionResult, durationMs: Double?, warnings: [String]
    ) {
        self.init(
            id: id, time: time, operator: `operator`, host: host, version: version, action: action.summary, target: action.target.description,
            endpoints: endpoints, result: result, durationMs: durationMs, warnings: warnings)
    }

    /// A record of something other than a balancer action (a warm): `action` as the log shows it.
    public init(
        id: String, time: Date, operator: AuditOperator, host: String, version: String, action: String, target: String,
        endpoints: [MemberOutcome], result: ActionResult, durationMs: Double?, warnings: [String]
    ) {
        self.id = id
        self.time = time
        self.operator = `operator`
        self.host = host
        self.version = version
        self.action = action
        self.target = target
        self.endpoints = endpoints
        self.result = result
        self.durationMs = durationMs
        self.warnings = warnings
    }
}
