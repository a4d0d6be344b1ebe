import Foundation
import RingsideCore
import RingsideWire

/// The rings a fleet has and how to build each one: declared rings, plus every pool of every twemproxy
/// balancer's nutcracker config (named `balancer/pool`) that no declaration already covers.
public enum RingCatalog {
    public static func rings(in fleet: Fleet) throws -> [RingDeclaration] {
        var rings = fleet.rings
        for balancer in fleet.balancers where balancer.kind == .twemproxy {
            guard let path = balancer.nutcrackerConfigPath else { continue }
            for pool in try FleetLoader.nutcrackerConfig(at: path).pools where pool.distribution == "ketama" {
                let source = RingDeclaration.Source.twemproxyPool(configPath: path, pool: pool.name)
                guard !rings.contains(where: { $0.source == source }) else { continue }
                rings.append(RingDeclaration(name: "\(balancer.name)/\(pool.name)", source: source, balancer: balancer.name))
            }
        }
        return rings
    }

    /// Builds the ring's definition now: reads the nutcracker config, or asks HAProxy or the Redis Cluster.
    public static func definition(
        of ring: RingDeclaration, limits: WireLimits, secrets: EndpointSourceFactory = EndpointSourceFactory()
    ) async throws -> RingDefinition {
        switch ring.source {
        case let .members(scheme, members):
            return RingDefinition(name: ring.name, scheme: scheme, members: members)
        case let .twemproxyPool(path, poolName):
            return try twemproxyPool(ring.name, path: path, pool: poolName)
        case let .haproxyBackend(address, backendName, hashType):
            let client = HAProxyClient(host: address.host, port: address.port, limits: limits)
            defer { _ = client.close() }
            let snapshot = try await client.poll().get()
            guard let backend = snapshot.backends.first(where: { $0.name == backendName }) else {
                let names = snapshot.backends.map(\.name).joined(separator: ", ")
                throw RingError("HAProxy at \(address) has no backend '\(backendName)' (backends: \(names))")
            }
            if let reason = backend.notHashedReason { throw RingError("HAProxy at \(address): \(reason)") }
            if let version = snapshot.version, !version.hasPrefix("2.") {
                throw RingError("HAProxy \(version) at \(address): ringside's HAProxy ring model is verified on 2.x only (3.x changed hash keys)")
            }
            return backend.ringDefinition(name: ring.name, hashType: hashType)
        case let .redisCluster(address, credentials):
            let auth = try credentials.map { RedisClient.Auth(username: $0.username, password: try secrets.secret($0.password)) }
            return try await redisCluster(ring.name, seed: address, auth: auth, limits: limits)
        }
    }

    /// A nutcracker pool's ring, read from its config file now (no connection needed).
    static func twemproxyPool(_ name: String, path: String, pool poolName: String) throws -> RingDefinition {
        let config = try FleetLoader.nutcrackerConfig(at: path)
        guard let pool = config.pool(named: poolName) else {
            throw RingError("\(path) has no pool '\(poolName)' (pools: \(config.pools.map(\.name).joined(separator: ", ")))")
        }
        return try pool.ringDefinition(name: name)
    }

    /// Masters from `CLUSTER SLOTS` on the seed node, each with its slots and its `DBSIZE`.
    static func redisCluster(_ name: String, seed: HostPort, auth: RedisClient.Auth?, limits: WireLimits) async throws -> RingDefinition {
        let client = RedisClient(host: seed.host, port: seed.port, limits: limits, auth: auth)
        defer { _ = client.close() }
        let ranges: [ClusterSlotRange]
        do {
            ranges = try ClusterSlots.parse(try await client.command(["CLUSTER", "SLOTS"]).get())
        } catch let error as WireError {
            if case let .serverError(message) = error, message.contains("cluster support disabled") {
                throw RingError("\(seed) is not in cluster mode (\(message))")
            }
            throw error
        }
        var masters: [String] = []
        var slots: [String: [ClosedRange<Int>]] = [:]
        for range in ranges {
            if slots[range.master] == nil { masters.append(range.master) }
            slots[range.master, default: []].append(range.slots)
        }
        var members: [RingMember] = []
        for master in masters {
            var keys: Int?
            if case let .success(address) = HostPort.parse(master) {
                let node = RedisClient(host: address.host, port: address.port, limits: limits, auth: auth)
                if case let .integer(count)? = try? await node.command(["DBSIZE"]).get() { keys = Int(count) }
                _ = node.close()
            }
            members.append(RingMember(name: master, address: master, slots: slots[master]!.sorted { $0.lowerBound < $1.lowerBound }, keys: keys))
        }
        guard !members.isEmpty else { throw RingError("the Redis Cluster at \(seed) has no slots assigned") }
        return RingDefinition(name: name, scheme: .redisCluster, members: members)
    }
}
