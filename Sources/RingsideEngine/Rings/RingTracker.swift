import RingsideCore

/// One of the fleet's rings as the console shows it: built from the latest polls, with each node's load.
public struct TrackedRing: Sendable {
    public var declaration: RingDeclaration
    /// `nil` while the ring cannot be built; `problem` says why.
    public var ring: HashRing?
    public var problem: String?
    /// Per ring node: requests/s (HAProxy sessions per second) or cache operations/s; `nil` when unknown.
    public var loads: [Double?]
    /// What `loads` measure, for the column header.
    public var loadUnit: String

    public init(declaration: RingDeclaration, ring: HashRing? = nil, problem: String? = nil, loads: [Double?], loadUnit: String) {
        self.declaration = declaration
        self.ring = ring
        self.problem = problem
        self.loads = loads
        self.loadUnit = loadUnit
    }
}

/// Keeps the fleet's rings current from the poll snapshots: HAProxy rings from the balancer's last `show servers
/// state` (no extra connection), twemproxy pools from their config (read once) with ejected servers taken out
/// when `auto_eject_hosts` is on, declared rings as declared. A ring is rebuilt only when its definition changes.
public struct RingTracker: Sendable {
    public let declarations: [RingDeclaration]
    /// twemproxy pool definitions by ring name, read once: a config error is reported on the ring, not thrown.
    private let pools: [String: Result<RingDefinition, RingError>]
    /// Where Redis Cluster rings are read in the background; without it they show as not polled.
    private let remote: RemoteRingSources?
    private var built: [String: HashRing] = [:]

    public init(fleet: Fleet, remote: RemoteRingSources? = nil) {
        self.remote = remote
        var pools: [String: Result<RingDefinition, RingError>] = [:]
        let declarations: [RingDeclaration]
        do {
            declarations = try RingCatalog.rings(in: fleet)
        } catch {
            // Only an unreadable nutcracker config gets here, and the console has already refused to start on it
            // (`FleetLoader.ejectionPolicies`); keep the declared rings.
            declarations = fleet.rings
        }
        for declaration in declarations {
            guard case let .twemproxyPool(path, poolName) = declaration.source else { continue }
            pools[declaration.name] = Result { try RingCatalog.twemproxyPool(declaration.name, path: path, pool: poolName) }
                .mapError { $0 as? RingError ?? RingError("\($0)") }
        }
        self.declarations = declarations
        self.pools = pools
    }

    public mutating func update(_ snapshot: FleetSnapshot) -> [TrackedRing] {
        var tracked: [TrackedRing] = []
        for declaration in declarations { tracked.append(track(declaration, snapshot)) }
        return tracked
    }

    private mutating func track(_ declaration: RingDeclaration, _ snapshot: FleetSnapshot) -> TrackedRing {
        let definition: RingDefinition
        /// Where the load comes from: HAProxy's per-server session rate, or the cache nodes at the members' addresses.
        var haproxyBackend: HAProxyBackend?
        func problem(_ text: String) -> TrackedRing { TrackedRing(declaration: declaration, problem: text, loads: [], loadUnit: "") }
        switch declaration.source {
        case let .members(scheme, members):
            definition = RingDefinition(name: declaration.name, scheme: scheme, members: members)
        case .twemproxyPool:
            switch pools[declaration.name] {
            case let .success(fromConfig)?: definition = withEjections(fromConfig, declaration, snapshot)
            case let .failure(error)?: return problem(error.description)
            case nil: return problem("no nutcracker config")
            }
        case let .haproxyBackend(address, backendName, hashType):
            let balancer = snapshot.endpoints.first { $0.endpoint.name == declaration.balancer || $0.endpoint.address == address }
            guard let haproxy = balancer?.haproxy else {
                // Say why there is no data: the poll's own error once one failed.
                if let error = balancer?.health.detail { return problem("HAProxy at \(address): \(balancer!.health.word) (\(error))") }
                return problem("waiting for the first poll of HAProxy at \(address)")
            }
            guard let backend = haproxy.backends.first(where: { $0.name == backendName }) else {
                return problem("HAProxy at \(address) has no backend '\(backendName)'")
            }
            if let reason = backend.notHashedReason { return problem(reason) }
            definition = backend.ringDefinition(name: declaration.name, hashType: hashType)
            haproxyBackend = backend
        case .redisCluster:
            switch remote?.definition(of: declaration.name) {
            case let .success(fromCluster)?: definition = fromCluster
            case let .failure(error)?: return problem(error.description)
            case nil: return problem(remote == nil ? "Redis Cluster slots are read by `ringside ring show \(declaration.name)`" : "reading CLUSTER SLOTS…")
            }
        }
        let ring: HashRing
        do {
            ring = try self.ring(for: definition)
        } catch {
            return problem(error.description)
        }
        if let backend = haproxyBackend {
            let loads = definition.members.map { member in backend.servers.first { $0.name == member.name }?.sessionRate.map(Double.init) }
            return TrackedRing(declaration: declaration, ring: ring, loads: loads, loadUnit: "sess/s")
        }
        return TrackedRing(declaration: declaration, ring: ring, loads: cacheNodeLoads(definition, snapshot), loadUnit: "ops/s")
    }

    private mutating func ring(for definition: RingDefinition) throws(RingError) -> HashRing {
        if let cached = built[definition.name], cached.definition == definition { return cached }
        let ring = try HashRing(definition)
        built[definition.name] = ring
        return ring
    }

    /// With `auto_eject_hosts`, twemproxy rebuilds its ring without the servers it ejected.
    private func withEjections(_ definition: RingDefinition, _ declaration: RingDeclaration, _ snapshot: FleetSnapshot) -> RingDefinition {
        guard case let .twemproxyPool(_, pool) = declaration.source,
              let balancer = snapshot.endpoints.first(where: { $0.endpoint.name == declaration.balancer }),
              balancer.ejectionPolicies[pool]?.autoEjectHosts == true
        else { return definition }
        let ejected = Set(balancer.ejectedServers.filter { $0.pool == pool }.map(\.server))
        var definition = definition
        for index in definition.members.indices where ejected.contains(definition.members[index].name) {
            definition.members[index].inService = false
            definition.members[index].outOfServiceReason = "ejected"
        }
        return definition
    }

    /// A member's load is the operations per second of the fleet's cache node at its address.
    private func cacheNodeLoads(_ definition: RingDefinition, _ snapshot: FleetSnapshot) -> [Double?] {
        var byAddress: [String: Double] = [:]
        for index in snapshot.endpoints.indices where snapshot.endpoints[index].endpoint.kind.isCacheNode {
            if let ops = snapshot.endpoints[index].interval?.opsPerSecond {
                byAddress[snapshot.endpoints[index].endpoint.address.description] = ops
            }
        }
        return definition.members.map { member in member.address.flatMap { byAddress[$0] } }
    }
}
