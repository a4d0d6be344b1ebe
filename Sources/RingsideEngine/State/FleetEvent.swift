import Foundation
import RingsideCore

/// Something that happened to the fleet, for the event log.
public struct FleetEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case healthChanged = "health"
        case countersReset = "reset"
        case serverStatusChanged = "server"
        /// A threshold crossed: hit ratio, evictions, memory.
        case threshold = "alert"
        /// A cache node's process restarted: its cache is cold until the hit ratio catches up.
        case restarted = "restart"
        /// A twemproxy server was ejected from its pool, or came back.
        case ejection = "ejection"
        /// An operator's action and its outcome (applied, not applied, partial, refused).
        case action = "action"
    }

    public var at: Date
    public var endpoint: String
    public var kind: Kind
    public var message: String

    public init(at: Date, endpoint: String, kind: Kind, message: String) {
        self.at = at
        self.endpoint = endpoint
        self.kind = kind
        self.message = message
    }
}
