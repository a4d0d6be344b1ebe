import Foundation

/// How an action ended, as the audit log, the exit status and the console say it.
public enum ActionResult: String, Sendable, Codable {
    /// Sent and verified on every member.
    case applied
    /// Every member already was as asked: nothing was sent.
    case alreadyInEffect = "already in effect"
    /// Sent, but no member reads back as asked (or none could be sent to).
    case notApplied = "not applied"
    /// Some members read back as asked and some do not: the report names which.
    case partial
    /// Read-only mode: the gate refused it, nothing was sent.
    case refused
    /// The operator said no at the confirmation.
    case cancelled
    /// ringside stopped (a crash, a kill, a power cut) after it began sending and before it could record the
    /// outcome: what the servers did is unknown until they are read again.
    case interrupted

    /// Exit status 0: applied, or already in effect.
    public var succeeded: Bool { self == .applied || self == .alreadyInEffect }
}

/// One command sent to one balancer, and what it answered, verbatim.
public struct SentCommand: Sendable, Equatable, Codable {
    public var command: String
    /// HAProxy's words: empty for success, the error text otherwise; `nil` when no reply came.
    @Nullable public var reply: String?
    /// Why no reply came (connection lost, read-only refusal).
    @Nullable public var failure: String?
    public var sentAt: Date

    public init(command: String, reply: String?, failure: String?, sentAt: Date) {
        self.command = command
        self.reply = reply
        self.failure = failure
        self.sentAt = sentAt
    }

    /// HAProxy accepted it (an empty answer).
    public var accepted: Bool { failure == nil && reply?.isEmpty == true }
}

/// What happened on one balancer of the target.
public struct MemberOutcome: Sendable, Equatable, Codable {
    public var endpoint: String
    public var address: String
    public var sent: [SentCommand]
    @Nullable public var before: ServerActionState?
    @Nullable public var expected: ServerActionState?
    /// Read back after sending (or the last read before the deadline).
    @Nullable public var after: ServerActionState?
    public var result: ActionResult
    /// In words: the server's answer for a refusal, the mismatch for "not applied".
    public var detail: String

    public init(
        endpoint: String, address: String, sent: [SentCommand], before: ServerActionState?, expected: ServerActionState?,
        after: ServerActionState?, result: ActionResult, detail: String
    ) {
        self.endpoint = endpoint
        self.address = address
        self.sent = sent
        self.before = before
        self.expected = expected
        self.after = after
        self.result = result
        self.detail = detail
    }
}

/// An executed (or refused, or cancelled) action: every member's outcome, and the result of the whole.
public struct ActionReport: Sendable, Equatable, Codable {
    public var action: OperatorAction
    public var members: [MemberOutcome]
    public var result: ActionResult
    public var startedAt: Date
    public var duration: Duration

    public init(action: OperatorAction, members: [MemberOutcome], result: ActionResult, startedAt: Date, duration: Duration) {
        self.action = action
        self.members = members
        self.result = result
        self.startedAt = startedAt
        self.duration = duration
    }

    /// The whole from its parts: all applied (or already) is applied; none is not applied (refused if the gate
    /// refused); a mix is partial.
    public static func combine(_ results: [ActionResult]) -> ActionResult {
        if results.isEmpty { return .notApplied }
        if results.allSatisfy({ $0 == .alreadyInEffect }) { return .alreadyInEffect }
        if results.allSatisfy(\.succeeded) { return .applied }
        if results.contains(.refused) { return .refused }
        return results.contains(where: \.succeeded) ? .partial : .notApplied
    }
}
