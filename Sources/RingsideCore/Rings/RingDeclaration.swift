/// Where a ring's definition comes from. Declared in the fleet file (`rings:`), implied by a twemproxy
/// balancer's nutcracker config, or given ad hoc on the command line.
public struct RingDeclaration: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Client-side hashing declared member by member (libmemcached, jump, …).
        case members(RingScheme, [RingMember])
        /// A nutcracker pool: servers, weights, names and hash come from its YAML config.
        case twemproxyPool(configPath: String, pool: String)
        /// An HAProxy backend read live from its Runtime API; the hash type is not reported there, so it is declared.
        case haproxyBackend(address: HostPort, backend: String, hashType: HAProxyHashType)
        /// A Redis Cluster read live through one of its nodes (`CLUSTER SLOTS`, then `DBSIZE` on each master).
        case redisCluster(address: HostPort, credentials: Credentials?)
    }

    public var name: String
    public var source: Source
    /// The fleet endpoint the ring belongs to (a balancer), when there is one; its stats give observed load.
    public var balancer: String?

    public init(name: String, source: Source, balancer: String? = nil) {
        self.name = name
        self.source = source
        self.balancer = balancer
    }

    /// One line for `ring list`.
    public var origin: String {
        switch source {
        case let .members(scheme, members): "\(scheme.summary), \(members.count) members declared in the fleet file"
        case let .twemproxyPool(path, pool): "twemproxy pool '\(pool)' from \(path)"
        case let .haproxyBackend(address, backend, type): "HAProxy backend '\(backend)' at \(address), hash-type \(type)"
        case let .redisCluster(address, _): "Redis Cluster through \(address)"
        }
    }
}

extension NutcrackerConfig.Pool {
    /// The ring twemproxy builds for this pool. Members are named as twemproxy names them (explicit name;
    /// else `host` when the port is 11211; else `host:port`), which is also the string its ketama hashes.
    public func ringDefinition(name ringName: String) throws(RingError) -> RingDefinition {
        guard distribution == "ketama" else {
            throw RingError("pool '\(name)' uses distribution '\(distribution)', which is not consistent hashing; only ketama pools have a ring")
        }
        guard let function = TwemproxyKeyHash(rawValue: hash) else {
            let known = TwemproxyKeyHash.allCases.map(\.rawValue).joined(separator: ", ")
            throw RingError("pool '\(name)': hash '\(hash)' is not modelled yet (modelled: \(known))")
        }
        let members = servers.map { server in
            RingMember(
                name: server.name ?? (server.port == 11211 ? server.host : "\(server.host):\(server.port)"),
                address: "\(server.host):\(server.port)", weight: server.weight)
        }
        return RingDefinition(name: ringName, scheme: .twemproxyKetama(hash: function, hashTag: hashTag), members: members)
    }
}

extension HAProxyBackend {
    /// Why this backend has no hash ring, when `show stat` names a balance algorithm that does not hash
    /// (`roundrobin`, `static-rr`, `leastconn`, `first`, `random`); `nil` for hashing or unreported algorithms.
    public var notHashedReason: String? {
        guard let algorithm = algorithm?.lowercased(), ["roundrobin", "static-rr", "leastconn", "first", "random"].contains(algorithm) else {
            return nil
        }
        return "backend '\(name)' balances by \(algorithm), not by a hash: it has no ring"
    }

    /// The servers on this backend's consistent-hash ring, keyed by server id with the user weight, in service
    /// exactly when HAProxy would hash to them (`show servers state`; status text as a fallback).
    /// Backup servers form a separate tree HAProxy uses only when no active server is usable; they are left out.
    public func ringDefinition(name ringName: String, hashType: HAProxyHashType) -> RingDefinition {
        let members = servers.filter { !$0.isBackup }.map { server in
            let weight = server.runtime?.userWeight ?? server.userWeight ?? server.weight ?? 1
            let usable = server.runtime?.isUsable ?? (server.status.isServing && weight > 0)
            return RingMember(
                name: server.name, address: server.address, weight: weight, id: server.sid, inService: usable,
                outOfServiceReason: usable ? nil : server.status.text)
        }
        return RingDefinition(name: ringName, scheme: .haproxyConsistent(hashType), members: members)
    }
}
