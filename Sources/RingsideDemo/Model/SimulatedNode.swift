import Synchronization

/// One simulated cache node (memcached or Redis): its cache and its process identity, shared by the traffic model (which writes)
/// and the node's server (which answers ringside's polls).
final class SimulatedNode: Sendable {
    /// How the node's server answers: what an incident drill switches.
    enum Behaviour: Sendable, Equatable {
        case normal
        /// Accepts connections and reads requests, never answers.
        case hang
        /// Answers after a delay.
        case slow(milliseconds: Int)
        /// Answers bytes that are not its protocol.
        case garbage
    }

    let name: String
    let limitBytes: Int
    struct State: Sendable {
        var store: CacheStore
        var pid: Int
        var startedAt: Double
        var alive = true
        /// Requests the proxy sent to this node (what twemproxy counts per server).
        var proxiedRequests: UInt64 = 0
        var connections = 0
        /// Commands clients sent directly (Redis counts them in `total_commands_processed`).
        var commandsProcessed: UInt64 = 0
        var behaviour = Behaviour.normal
    }

    let state: Mutex<State>

    init(name: String, limitBytes: Int, pid: Int) {
        self.name = name
        self.limitBytes = limitBytes
        state = Mutex(State(store: CacheStore(limitBytes: limitBytes), pid: pid, startedAt: 0))
    }
}
