/// The state an operator puts an HAProxy server in (`set server B/S state …`).
public enum ServerAdminState: String, Sendable, Codable, CaseIterable {
    case ready, drain, maint

    /// How `show stat` shows a server in this state.
    public var statusWord: String {
        switch self {
        case .ready: "READY"
        case .drain: "DRAIN"
        case .maint: "MAINT"
        }
    }
}

/// A weight as the operator asks for it: resolved against each server's current and initial weight when the
/// action is planned, so the preview shows the exact number sent.
public enum WeightRequest: Sendable, Equatable, Codable {
    /// `5`: absolute, 0…256.
    case absolute(Int)
    /// `50%`: of the initial weight, in HAProxy's integer arithmetic (50% of 1 is 0).
    case percent(Int)
    /// `initial`: back to the weight of the configuration (hatop's F4).
    case initial
    /// `+1`, `-10`: relative to the current user weight (hatop's F5–F8), kept within 0…256.
    case step(Int)

    public static let maximum = 256

    /// Parses `5`, `50%`, `initial`, `+1`, `-10`; the error says what is accepted.
    public static func parse(_ text: String) throws(ActionError) -> WeightRequest {
        let fail = ActionError("weight '\(text)': give N (0…256), N% of the initial weight, +N or -N, or 'initial'")
        if text == "initial" { return .initial }
        if text.hasSuffix("%") {
            guard let percent = Int(text.dropLast()), percent >= 0 else { throw fail }
            return .percent(percent)
        }
        if text.hasPrefix("+") || text.hasPrefix("-") {
            guard let step = Int(text.dropFirst()), step > 0 else { throw fail }
            return .step(text.hasPrefix("-") ? -step : step)
        }
        guard let value = Int(text), (0...maximum).contains(value) else { throw fail }
        return .absolute(value)
    }

    /// The user weight HAProxy ends up with, from the server's current and initial weights.
    public func resolved(current: Int, initial: Int) -> Int {
        switch self {
        case let .absolute(value): value
        case let .percent(percent): min(Self.maximum, initial * percent / 100)
        case .initial: initial
        case let .step(step): max(0, min(Self.maximum, current + step))
        }
    }

    public var text: String {
        switch self {
        case let .absolute(value): "\(value)"
        case let .percent(percent): "\(percent)%"
        case .initial: "initial"
        case let .step(step): step > 0 ? "+\(step)" : "\(step)"
        }
    }
}

/// A server of a balancer, or of every balancer in a group: `edge/be_app/app-3`.
public struct ServerTarget: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// A balancer's name, or a group's (`group:` on each member).
    public var scope: String
    public var backend: String
    public var server: String

    public init(scope: String, backend: String, server: String) {
        self.scope = scope
        self.backend = backend
        self.server = server
    }

    public static func parse(_ text: String) throws(ActionError) -> ServerTarget {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else {
            throw ActionError("target '\(text)': give BALANCER/BACKEND/SERVER, where BALANCER may be a group (edge/be_app/app-3)")
        }
        return ServerTarget(scope: parts[0], backend: parts[1], server: parts[2])
    }

    /// `be_app/app-3`: how HAProxy names the server.
    public var serverPath: String { "\(backend)/\(server)" }
    public var description: String { "\(scope)/\(backend)/\(server)" }
}

/// What an operator asks for: a typed value from the key or the command line down to the planner; commands are
/// made from it only there.
public struct OperatorAction: Sendable, Equatable, Codable {
    public enum Verb: Sendable, Equatable, Codable {
        case state(ServerAdminState)
        case weight(WeightRequest)
        /// End the server's sessions (after a drain that did not finish in time).
        case shutdownSessions
        /// A twemproxy server's weight in the nutcracker config (target: twemproxy balancer / pool / server).
        case poolWeight(Int)
        /// A twemproxy server taken out of its pool in the nutcracker config (twemproxy has no drain).
        case poolRemove
        /// A member's weight on a client-side ring of the fleet file (target: `ring` / ring name / member).
        case ringMemberWeight(Int)
    }

    public var target: ServerTarget
    public var verb: Verb

    public init(target: ServerTarget, verb: Verb) {
        self.target = target
        self.verb = verb
    }

    /// `drain edge/be_app/app-3`, `weight edge/be_app/app-3 50%`: how the audit log and the console name it.
    public var summary: String {
        switch verb {
        case let .state(state): "\(state.rawValue) \(target)"
        case let .weight(weight): "weight \(target) \(weight.text)"
        case .shutdownSessions: "shutdown sessions \(target)"
        case let .poolWeight(weight): "weight \(target) \(weight) (nutcracker config)"
        case .poolRemove: "remove \(target) (nutcracker config)"
        case let .ringMemberWeight(weight): "weight \(target) \(weight) (fleet file)"
        }
    }
}

public struct ActionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
