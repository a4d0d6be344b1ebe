/// How an endpoint answered its last poll.
public enum Health: Sendable, Equatable, CustomStringConvertible {
    /// Not polled yet.
    case unknown
    case up
    /// Answered, but slower than the threshold.
    case slow
    /// Refused, timed out or closed: nothing usable came back.
    case down(String)
    /// The server rejected ringside's credentials, or wants some.
    case authFailed(String)
    /// The server answered something ringside could not understand.
    case protocolError(String)

    /// The word shown everywhere, so state is never told by colour alone.
    public var word: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .up: "UP"
        case .slow: "SLOW"
        case .down: "DOWN"
        case .authFailed: "AUTH"
        case .protocolError: "PROTO"
        }
    }

    /// The last error text, when the state carries one.
    public var detail: String? {
        switch self {
        case let .down(text), let .authFailed(text), let .protocolError(text): text
        case .unknown, .up, .slow: nil
        }
    }

    /// Whether the last poll produced current data.
    public var hasFreshData: Bool { self == .up || self == .slow }

    public var description: String { detail.map { "\(word) (\($0))" } ?? word }
}
