/// A Runtime API command that changes a server: the only kind of mutating line ringside sends to HAProxy. Made
/// by the planner, rendered to text by the wire client at the gate.
public enum HAProxyCommand: Sendable, Equatable, Codable, CustomStringConvertible {
    case setState(backend: String, server: String, ServerAdminState)
    /// `weight` is sent as given: absolute, or a percentage of the initial weight (static algorithms take only
    /// `0%` and `100%`).
    case setWeight(backend: String, server: String, WeightValue)
    /// Ends the server's sessions (after a drain that timed out).
    case shutdownSessions(backend: String, server: String)

    public enum WeightValue: Sendable, Equatable, Codable {
        case absolute(Int)
        case percent(Int)

        var text: String {
            switch self {
            case let .absolute(value): "\(value)"
            case let .percent(percent): "\(percent)%"
            }
        }
    }

    /// The line as HAProxy reads it (names are never quoted there, and never contain spaces or newlines).
    public var line: String {
        switch self {
        case let .setState(backend, server, state): "set server \(backend)/\(server) state \(state.rawValue)"
        case let .setWeight(backend, server, weight): "set server \(backend)/\(server) weight \(weight.text)"
        case let .shutdownSessions(backend, server): "shutdown sessions server \(backend)/\(server)"
        }
    }

    public var description: String { line }
}
