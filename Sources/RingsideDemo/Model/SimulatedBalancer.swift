import RingsideCore
import Synchronization

/// The app servers behind the simulated HAProxy: their admin state, weights and the sessions the traffic gave them.
final class SimulatedBalancer: Sendable {
    struct Server: Sendable {
        var backend: String
        var name: String
        var sid: Int
        var initialWeight: Int
        var userWeight: Int
        /// `ready`, `drain` or `maint`, as `set server … state` sets it.
        var admin = "ready"
        var totalSessions: UInt64 = 0
        var rate = 0
        var lastChange = 0.0

        /// Takes load-balanced traffic (HAProxy: running, not drained or in maintenance, weight above 0).
        var usable: Bool { admin == "ready" && userWeight > 0 }

        /// The status word `show stat` prints.
        var status: String { admin == "drain" ? "DRAIN" : admin == "maint" ? "MAINT" : "no check" }
    }

    struct Backend: Sendable {
        var name: String
        var algorithm: String
        var servers: [Server]
    }

    let backends: Mutex<[Backend]>

    init() {
        backends = Mutex([
            Backend(name: "be_app", algorithm: "uri", servers: (1...4).map {
                Server(backend: "be_app", name: "app-\($0)", sid: $0, initialWeight: $0 == 4 ? 2 : 1, userWeight: $0 == 4 ? 2 : 1)
            }),
            Backend(name: "be_static", algorithm: "roundrobin", servers: (1...2).map {
                Server(backend: "be_static", name: "static-\($0)", sid: $0, initialWeight: 1, userWeight: 1)
            }),
        ])
    }

    /// Spreads `requestsPerSecond` × `seconds` of sessions over each backend's usable servers: a round-robin
    /// backend by weight, the consistent-hash backend by each server's exact share of ringside's model of
    /// HAProxy's ring (uniformly spread request keys), so a drained server's requests go where HAProxy's would.
    func advance(requestsPerSecond: Double, seconds: Double) {
        backends.withLock { backends in
            for b in backends.indices {
                let share = b == 0 ? 0.8 : 0.2
                let fractions = Self.fractions(backends[b])
                for s in backends[b].servers.indices {
                    let fraction = fractions[s]
                    let rate = requestsPerSecond * share * fraction
                    backends[b].servers[s].rate = Int(rate.rounded())
                    backends[b].servers[s].totalSessions += UInt64((rate * seconds).rounded())
                }
            }
        }
    }

    /// Each server's share of the backend's requests.
    static func fractions(_ backend: Backend) -> [Double] {
        let servers = backend.servers
        if backend.algorithm != "roundrobin" {
            let members = servers.map { RingMember(name: $0.name, weight: $0.userWeight, id: $0.sid, inService: $0.usable) }
            if let ring = try? HashRing(RingDefinition(name: backend.name, scheme: .haproxyConsistent(.default), members: members)) {
                return ring.ownership.nodes.map(\.share)
            }
        }
        let totalWeight = servers.filter(\.usable).map(\.userWeight).reduce(0, +)
        return servers.map { $0.usable && totalWeight > 0 ? Double($0.userWeight) / Double(totalWeight) : 0 }
    }

    /// Runs an admin command; the reply text as HAProxy 2.6 gives it (empty on success).
    func set(_ arguments: [String], now: Double) -> String {
        // set server BACKEND/SERVER state ready|drain|maint  |  set server BACKEND/SERVER weight N
        guard arguments.count == 5, arguments[0] == "set", arguments[1] == "server" else {
            return "[err]: 'set server <srv>' only supports 'agent', 'health', 'state', 'weight', 'addr', 'fqdn' and 'check-addr'.\n"
        }
        let parts = arguments[2].split(separator: "/").map(String.init)
        guard parts.count == 2 else { return "[err]: Require 'backend/server'.\n" }
        return backends.withLock { backends -> String in
            guard let b = backends.firstIndex(where: { $0.name == parts[0] }) else { return "[err]: No such backend.\n" }
            guard let s = backends[b].servers.firstIndex(where: { $0.name == parts[1] }) else { return "[err]: No such server.\n" }
            switch arguments[3] {
            case "state":
                guard ["ready", "drain", "maint"].contains(arguments[4]) else {
                    return "[err]: 'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n"
                }
                backends[b].servers[s].admin = arguments[4]
            case "weight":
                guard let weight = Int(arguments[4]), (0...256).contains(weight) else {
                    return "[err]: Absolute weight can only be between 0 and 256 inclusive.\n"
                }
                backends[b].servers[s].userWeight = weight
            default:
                return "[err]: 'set server <srv>' only supports 'agent', 'health', 'state', 'weight', 'addr', 'fqdn' and 'check-addr'.\n"
            }
            backends[b].servers[s].lastChange = now
            return ""
        }
    }
}
