import Foundation
import RingsideCore

/// The whole fleet at one moment: what every screen and report is drawn from.
public struct FleetSnapshot: Sendable {
    public var fleet: Fleet
    public var endpoints: [EndpointState]
    public var events: [FleetEvent]
    public var takenAt: Date

    public init(fleet: Fleet, endpoints: [EndpointState], events: [FleetEvent], takenAt: Date) {
        self.fleet = fleet
        self.endpoints = endpoints
        self.events = events
        self.takenAt = takenAt
    }

    public var cacheNodes: [EndpointState] { endpoints.filter { $0.endpoint.kind.isCacheNode } }
    public var balancers: [EndpointState] { endpoints.filter { !$0.endpoint.kind.isCacheNode } }

    /// Σ of interval deltas per pool, over the nodes whose interval was valid this tick (never an average of
    /// percentages). Nodes without a pool are left out.
    public var poolTotals: [(pool: String, totals: IntervalTotals, nodes: Int)] {
        var order: [String] = []
        var totals: [String: IntervalTotals] = [:]
        var members: [String: Int] = [:]
        for state in cacheNodes {
            guard let pool = state.endpoint.pool else { continue }
            if totals[pool] == nil {
                order.append(pool)
                totals[pool] = IntervalTotals()
            }
            members[pool, default: 0] += 1
            if let interval = state.interval { totals[pool]?.add(interval) }
        }
        return order.map { ($0, totals[$0]!, members[$0]!) }
    }

    /// Σ of interval deltas over every cache node.
    public var fleetTotals: IntervalTotals { IntervalTotals(cacheNodes.compactMap(\.interval)) }

    /// Why the fleet is not healthy, one line per reason; empty when all is well.
    ///
    /// Unhealthy: an endpoint not `UP` (slow included), an HAProxy server failing its checks, a twemproxy server
    /// ejected. DRAIN and MAINT are an operator's choice and do not count.
    public var problems: [String] {
        var problems: [String] = []
        for state in endpoints where state.health != .up {
            problems.append("\(state.endpoint.name): \(state.health)")
        }
        for state in balancers where state.health.hasFreshData {
            for backend in state.haproxy?.backends ?? [] {
                for server in backend.servers where server.status.isFailing {
                    problems.append("\(state.endpoint.name): \(backend.name)/\(server.name) is \(server.status.text)")
                }
            }
            for (pool, server) in state.ejectedServers {
                problems.append("\(state.endpoint.name): \(pool)/\(server) is ejected")
            }
        }
        return problems
    }
}
