/// A server's status as HAProxy prints it in `show stat`, understood in every form:
/// `UP`, `UP 1/3`, `DOWN`, `DOWN 1/2`, `DOWN (agent)`, `NOLB`, `DRAIN`, `DRAIN (agent)`, `no check`, `MAINT`,
/// `MAINT (via be/srv)`, `MAINT (resolution)`, and `OPEN` for frontends.
public struct HAProxyStatus: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum State: String, Sendable, Codable {
        case up = "UP", down = "DOWN", nolb = "NOLB", drain = "DRAIN", maint = "MAINT", noCheck = "no check", open = "OPEN"
        case unknown = "?"
    }

    public var state: State
    /// `UP 1/3`: going down after 1 of 3 failed checks; `DOWN 1/2`: going up after 1 of 2 good ones.
    public var transition: (done: Int, needed: Int)?
    /// The parenthesised part: `agent`, `via be/srv`, `resolution`.
    public var qualifier: String?
    /// Exactly what HAProxy printed.
    public var text: String

    public init(_ text: String) {
        self.text = text
        var rest = Substring(text.trimmingSpaces)
        if let open = rest.firstIndex(of: "("), rest.hasSuffix(")") {
            qualifier = String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)])
            rest = Substring(rest[..<open].trimmingSpaces)
        }
        let parts = rest.split(separator: " ", maxSplits: 1)
        if rest == "no check" {
            state = .noCheck
        } else {
            state = parts.first.flatMap { State(rawValue: String($0)) } ?? .unknown
            if parts.count == 2 {
                let fraction = parts[1].split(separator: "/")
                if fraction.count == 2, let done = Int(fraction[0]), let needed = Int(fraction[1]) {
                    transition = (done, needed)
                }
            }
        }
    }

    /// Serving traffic from HAProxy's point of view (`no check` counts as up); DRAIN/MAINT are operator choices.
    public var isServing: Bool { state == .up || state == .noCheck || state == .open }
    /// Failing health checks: a degraded backend.
    public var isFailing: Bool { state == .down || (state == .up && transition != nil) }

    public var description: String { text }

    public static func == (a: HAProxyStatus, b: HAProxyStatus) -> Bool { a.text == b.text }

    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// One server row of `show stat`, joined with its `show servers state` row when available.
public struct HAProxyServer: Sendable, Equatable {
    public var backend: String
    public var name: String
    /// The server id (`sid`/`puid`): the key of HAProxy's consistent-hash ring.
    public var sid: Int
    public var status: HAProxyStatus
    public var checkStatus: String?
    public var lastCheck: String?
    /// Effective weight.
    public var weight: Int?
    /// What `set weight` set (`uweight`; in MAINT a new weight shows only here).
    public var userWeight: Int?
    /// From `show servers state` (`srv_iweight`).
    public var initialWeight: Int?
    public var currentSessions: Int?
    public var queued: Int?
    public var totalSessions: UInt64?
    /// Sessions per second over the last second, as HAProxy computes it.
    public var sessionRate: Int?
    public var requestTotal: UInt64?
    public var connectionErrors: UInt64?
    public var responseErrors: UInt64?
    public var secondsSinceLastChange: Int?
    public var downtimeSeconds: Int?
    public var address: String?
    public var isBackup: Bool
    /// From `show servers state`; `nil` when that command was not answered.
    public var runtime: HAProxyRuntimeState?

    public init(backend: String, name: String, sid: Int, status: HAProxyStatus, isBackup: Bool = false) {
        self.backend = backend
        self.name = name
        self.sid = sid
        self.status = status
        self.isBackup = isBackup
    }
}

/// A server's runtime state as `show servers state` gives it: the exact inputs of HAProxy's load balancing.
public struct HAProxyRuntimeState: Sendable, Equatable {
    public var operationalState: Int
    public var adminState: Int
    public var userWeight: Int
    public var initialWeight: Int
    /// `srv_agent_state` bits (0x02 configured, 0x04 enabled), when the row has the column.
    public var agentState: Int?

    public init(operationalState: Int, adminState: Int, userWeight: Int, initialWeight: Int, agentState: Int? = nil) {
        self.operationalState = operationalState
        self.adminState = adminState
        self.userWeight = userWeight
        self.initialWeight = initialWeight
        self.agentState = agentState
    }

    /// An agent check runs: each of its replies may set the weight and the state, overriding a manual change.
    public var agentEnabled: Bool { (agentState ?? 0) & 0x04 != 0 }

    /// The state an operator set (`set server … state`): forced maintenance (FMAINT 0x01) or forced drain
    /// (FDRAIN 0x08), else ready. Inherited states (via a tracked server) are not the operator's.
    public var forcedState: ServerAdminState { adminState & 0x01 != 0 ? .maint : adminState & 0x08 != 0 ? .drain : .ready }

    /// The server takes load-balanced traffic: running or starting, not in maintenance or drain
    /// (admin bits FMAINT|IMAINT|FDRAIN|IDRAIN|RMAINT = 0x3B), and a user weight above zero
    /// (haproxy include/haproxy/server-t.h).
    public var isUsable: Bool { (1...2).contains(operationalState) && adminState & 0x3B == 0 && userWeight > 0 }
}

public struct HAProxyBackend: Sendable, Equatable {
    public var name: String
    public var status: HAProxyStatus
    public var algorithm: String?
    public var currentSessions: Int?
    public var sessionRate: Int?
    public var servers: [HAProxyServer]

    public init(name: String, status: HAProxyStatus, algorithm: String? = nil, servers: [HAProxyServer] = []) {
        self.name = name
        self.status = status
        self.algorithm = algorithm
        self.servers = servers
    }
}

/// What one poll of an HAProxy Runtime API returns.
public struct HAProxySnapshot: Sendable, Equatable {
    /// `show info`, key by key (`Version`, `Pid`, `Uptime_sec`, …).
    public var info: [String: String]
    public var backends: [HAProxyBackend]

    public init(info: [String: String], backends: [HAProxyBackend]) {
        self.info = info
        self.backends = backends
    }

    public var version: String? { info["Version"] }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
