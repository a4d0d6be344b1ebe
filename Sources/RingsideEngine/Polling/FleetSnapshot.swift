import Foundation
import RingsideCore

/// The whole fleet at one moment: what every screen and report is drawn from.
public struct FleetSnapshot: Sendable {
    public var fleet: Fleet
    public var endpoints: [EndpointState]
    public var events: [FleetEvent]
    public var takenAt: Date
    /// Alerts about the fleet rather than one endpoint: ring hot spots.
    public var fleetAlerts: [Alert]

    public init(fleet: Fleet, endpoints: [EndpointState], events: [FleetEvent], takenAt: Date, fleetAlerts: [Alert] = []) {
        self.fleet = fleet
        self.endpoints = endpoints
        self.events = events
        self.takenAt = takenAt
        self.fleetAlerts = fleetAlerts
    }

    public var cacheNodes: [EndpointState] { endpoints.filter { $0.endpoint.kind.isCacheNode } }
    public var balancers: [EndpointState] { endpoints.filter { !$0.endpoint.kind.isCacheNode } }

    // The figures below are computed every frame over a thousand endpoints: they read the states in place
    // (by index) instead of copying them into filtered arrays.

    /// Σ of interval deltas per pool, over the nodes whose interval was valid this tick (never an average of
    /// percentages). Nodes without a pool are left out.
    public var poolTotals: [(pool: String, totals: IntervalTotals, nodes: Int)] {
        var order: [String] = []
        var totals: [String: (totals: IntervalTotals, nodes: Int)] = [:]
        for index in endpoints.indices where endpoints[index].endpoint.kind.isCacheNode {
            guard let pool = endpoints[index].endpoint.pool else { continue }
            if totals[pool] == nil {
                order.append(pool)
                totals[pool] = (IntervalTotals(), 0)
            }
            totals[pool]!.nodes += 1
            if let interval = endpoints[index].interval { totals[pool]!.totals.add(interval) }
        }
        return order.map { ($0, totals[$0]!.totals, totals[$0]!.nodes) }
    }

    /// Σ of interval deltas over every cache node.
    public var fleetTotals: IntervalTotals {
        var totals = IntervalTotals()
        for index in endpoints.indices where endpoints[index].endpoint.kind.isCacheNode {
            if let interval = endpoints[index].interval { totals.add(interval) }
        }
        return totals
    }

    /// Every alert active now, most severe first: what the console's header counts and the events screen lists.
    public var alerts: [Alert] {
        (endpoints.flatMap(\.activeAlerts) + fleetAlerts).sorted { ($0.severity, $1.since, $0.endpoint) > ($1.severity, $0.since, $1.endpoint) }
    }

    /// How many alerts are active (the header's figure), read in place without building the list.
    public var alertCount: Int {
        var count = fleetAlerts.count
        for index in endpoints.indices { count += endpoints[index].activeAlertCount }
        return count
    }

    /// Why the fleet is not healthy, one line per reason; empty when all is well.
    ///
    /// Unhealthy: an endpoint not `UP` (slow included), an HAProxy server failing its checks, a twemproxy server
    /// ejected. DRAIN and MAINT are an operator's choice and do not count.
    public var problems: [String] {
        var problems: [String] = []
        for index in endpoints.indices where endpoints[index].health != .up {
            problems.append("\(endpoints[index].endpoint.name): \(endpoints[index].health)")
        }
        for index in endpoints.indices where !endpoints[index].endpoint.kind.isCacheNode && endpoints[index].health.hasFreshData {
            let state = endpoints[index]
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
