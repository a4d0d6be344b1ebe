import Foundation
import RingsideCore
import RingsideWire

/// The `ringside status --json` document. Its shape is a contract: fields are added, never renamed or removed,
/// without bumping `schema`. Absent numbers are `null` (no reads in the interval, field not reported, …).
public struct StatusReport: Codable, Sendable, Equatable {
    public static let schemaName = "ringside.status/1"

    public var schema = StatusReport.schemaName
    public var fleet: String
    public var generatedAt: Date
    public var intervalSeconds: Double
    /// True when `problems` is empty: the exit status is 0 exactly then.
    public var healthy: Bool
    public var problems: [String]
    @Nullable public var fleetHitRatio: Double?
    public var nodes: [Node]
    public var pools: [Pool]
    public var balancers: [Balancer]
    public var events: [Event]

    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var address: String
        @Nullable public var pool: String?
        /// UP, SLOW, DOWN, AUTH, PROTO or UNKNOWN.
        public var health: String
        @Nullable public var error: String?
        /// True when the numbers are from an earlier poll because the last one failed.
        public var stale: Bool
        /// True after a restart until the hit ratio has caught up (the cache is warming).
        public var cacheCold: Bool
        @Nullable public var latencyMs: Double?
        @Nullable public var hitRatio: Double?
        @Nullable public var hits: UInt64?
        @Nullable public var misses: UInt64?
        @Nullable public var opsPerSecond: Double?
        @Nullable public var getsPerSecond: Double?
        @Nullable public var setsPerSecond: Double?
        @Nullable public var evictionsPerSecond: Double?
        @Nullable public var expirationsPerSecond: Double?
        @Nullable public var memoryUsedBytes: UInt64?
        /// `null` when unknown or when the server has no limit; `memoryUnlimited` tells the two apart.
        @Nullable public var memoryLimitBytes: UInt64?
        /// True when the server has no memory limit, false when it has one, `null` when unknown (no data yet).
        @Nullable public var memoryUnlimited: Bool?
        @Nullable public var memoryFraction: Double?
        @Nullable public var items: UInt64?
        @Nullable public var connections: UInt64?
        @Nullable public var uptimeSeconds: UInt64?
        public var details: [String: String]
        /// Fields the server would not give, with its answer.
        public var unavailable: [String: String]
        /// Warms that read this node during the two polls: its hit ratio counts their reads too.
        public var warmingReads: [WarmingRead] = []
    }

    public struct Pool: Codable, Sendable, Equatable {
        public var name: String
        public var nodes: Int
        public var nodesWithData: Int
        @Nullable public var hitRatio: Double?
        public var opsPerSecond: Double
        public var evictionsPerSecond: Double
    }

    public struct Balancer: Codable, Sendable, Equatable {
        public var name: String
        public var kind: String
        public var address: String
        public var health: String
        @Nullable public var error: String?
        public var stale: Bool
        @Nullable public var latencyMs: Double?
        @Nullable public var version: String?
        @Nullable public var backends: [Backend]?
        @Nullable public var pools: [TwemproxyPool]?
    }

    public struct Backend: Codable, Sendable, Equatable {
        public var name: String
        public var status: String
        @Nullable public var algorithm: String?
        public var servers: [Server]
    }

    public struct Server: Codable, Sendable, Equatable {
        public var name: String
        public var sid: Int
        public var status: String
        @Nullable public var checkStatus: String?
        @Nullable public var lastCheck: String?
        @Nullable public var weight: Int?
        @Nullable public var userWeight: Int?
        @Nullable public var initialWeight: Int?
        @Nullable public var sessions: Int?
        @Nullable public var sessionRate: Int?
        @Nullable public var requestTotal: UInt64?
        @Nullable public var errors: UInt64?
        /// From `show servers state`: takes load-balanced traffic now (null when that command was refused).
        @Nullable public var usable: Bool?
        public var backup: Bool
    }

    public struct TwemproxyPool: Codable, Sendable, Equatable {
        public var name: String
        public var clientConnections: UInt64
        public var serverEjects: UInt64
        /// True when the ejection rule came from the nutcracker config, false when twemproxy's defaults were assumed.
        public var ejectionFromConfig: Bool
        public var servers: [TwemproxyServer]
    }

    public struct TwemproxyServer: Codable, Sendable, Equatable {
        public var name: String
        public var ejected: Bool
        public var requests: UInt64
        public var errors: UInt64
        public var connections: UInt64
    }

    public struct Event: Codable, Sendable, Equatable {
        public var at: Date
        public var endpoint: String
        public var kind: String
        public var message: String
    }
}

extension StatusReport {
    public init(_ snapshot: FleetSnapshot) {
        fleet = snapshot.fleet.name
        generatedAt = snapshot.takenAt
        intervalSeconds = snapshot.fleet.polling.interval.secondsDouble
        problems = snapshot.problems
        healthy = problems.isEmpty
        fleetHitRatio = snapshot.fleetTotals.hitRatio
        nodes = snapshot.cacheNodes.map(Node.init)
        pools = snapshot.poolTotals.map {
            Pool(
                name: $0.pool, nodes: $0.nodes, nodesWithData: $0.totals.contributingNodes, hitRatio: $0.totals.hitRatio,
                opsPerSecond: $0.totals.opsPerSecond, evictionsPerSecond: $0.totals.evictionsPerSecond)
        }
        balancers = snapshot.balancers.map(Balancer.init)
        events = snapshot.events.map { Event(at: $0.at, endpoint: $0.endpoint, kind: $0.kind.rawValue, message: $0.message) }
    }

    /// Marks the nodes these warm reads touched (those of the report's polls: `WarmingRead.from(…, touching:)`).
    public mutating func mark(_ reads: [WarmingRead]) {
        for index in nodes.indices { nodes[index].warmingReads = reads.filter { $0.node == nodes[index].name } }
    }

    /// Pretty, key-sorted JSON with ISO 8601 dates.
    public func json() throws -> Data { try reportJSON() }
}

extension StatusReport.Node {
    init(_ state: EndpointState) {
        let sample = state.cacheSample, interval = state.interval
        self.init(
            name: state.endpoint.name, kind: state.endpoint.kind.rawValue, address: state.endpoint.address.description,
            pool: state.endpoint.pool, health: state.health.word, error: state.health.detail,
            stale: sample != nil && !state.health.hasFreshData, cacheCold: state.isCold, latencyMs: state.latency.map { $0.secondsDouble * 1000 },
            hitRatio: interval?.hitRatio, hits: interval?.hits, misses: interval?.misses, opsPerSecond: interval?.opsPerSecond,
            getsPerSecond: interval?.getsPerSecond, setsPerSecond: interval?.setsPerSecond,
            evictionsPerSecond: interval?.evictionsPerSecond, expirationsPerSecond: interval?.expirationsPerSecond,
            memoryUsedBytes: sample?.gauges.memoryUsedBytes, memoryLimitBytes: sample?.gauges.memoryLimitBytes,
            memoryUnlimited: sample?.gauges.memoryUnlimited,
            memoryFraction: sample?.gauges.memoryFraction, items: sample?.gauges.items, connections: sample?.gauges.connections,
            uptimeSeconds: sample?.identity.uptimeSeconds, details: sample?.details ?? [:], unavailable: sample?.unavailable ?? [:])
    }
}

extension StatusReport.Balancer {
    init(_ state: EndpointState) {
        let ejected = Set(state.ejectedServers.map { "\($0.pool)/\($0.server)" })
        self.init(
            name: state.endpoint.name, kind: state.endpoint.kind.rawValue, address: state.endpoint.address.description,
            health: state.health.word, error: state.health.detail, stale: state.data != nil && !state.health.hasFreshData,
            latencyMs: state.latency.map { $0.secondsDouble * 1000 },
            version: state.haproxy?.version ?? state.twemproxy?.version,
            backends: state.haproxy?.backends.map { backend in
                StatusReport.Backend(
                    name: backend.name, status: backend.status.text, algorithm: backend.algorithm,
                    servers: backend.servers.map { server in
                        StatusReport.Server(
                            name: server.name, sid: server.sid, status: server.status.text, checkStatus: server.checkStatus,
                            lastCheck: server.lastCheck, weight: server.weight, userWeight: server.userWeight,
                            initialWeight: server.initialWeight, sessions: server.currentSessions, sessionRate: server.sessionRate,
                            requestTotal: server.requestTotal,
                            errors: server.connectionErrors.map { $0 + (server.responseErrors ?? 0) },
                            usable: server.runtime?.isUsable, backup: server.isBackup)
                    })
            },
            pools: state.twemproxy?.pools.map { pool in
                StatusReport.TwemproxyPool(
                    name: pool.name, clientConnections: pool.clientConnections, serverEjects: pool.serverEjects,
                    ejectionFromConfig: state.ejectionPolicies[pool.name]?.fromConfig ?? false,
                    servers: pool.servers.map { server in
                        StatusReport.TwemproxyServer(
                            name: server.name, ejected: ejected.contains("\(pool.name)/\(server.name)"), requests: server.requests,
                            errors: server.serverErrors + server.timeouts + server.eofs, connections: server.connections)
                    })
            })
    }
}
