import Synchronization

/// One simulated memcached node: its cache and its process identity, shared by the traffic model (which writes)
/// and the node's server (which answers ringside's polls).
final class SimulatedNode: Sendable {
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
    }

    let state: Mutex<State>

    init(name: String, limitBytes: Int, pid: Int) {
        self.name = name
        self.limitBytes = limitBytes
        state = Mutex(State(store: CacheStore(limitBytes: limitBytes), pid: pid, startedAt: 0))
    }
}
