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
            for pool in try nutcrackerConfig(at: path).pools where pool.distribution == "ketama" {
                let source = RingDeclaration.Source.twemproxyPool(configPath: path, pool: pool.name)
                guard !rings.contains(where: { $0.source == source }) else { continue }
                rings.append(RingDeclaration(name: "\(balancer.name)/\(pool.name)", source: source, balancer: balancer.name))
            }
        }
        return rings
    }

    /// Builds the ring's definition now: reads the nutcracker config, or asks HAProxy for the backend's servers.
    public static func definition(of ring: RingDeclaration, limits: WireLimits) async throws -> RingDefinition {
        switch ring.source {
        case let .members(scheme, members):
            return RingDefinition(name: ring.name, scheme: scheme, members: members)
        case let .twemproxyPool(path, poolName):
            let config = try nutcrackerConfig(at: path)
            guard let pool = config.pool(named: poolName) else {
                throw RingError("\(path) has no pool '\(poolName)' (pools: \(config.pools.map(\.name).joined(separator: ", ")))")
            }
            return try pool.ringDefinition(name: ring.name)
        case let .haproxyBackend(address, backendName, hashType):
            let client = HAProxyClient(host: address.host, port: address.port, limits: limits)
            defer { Task { await client.close() } }
            let snapshot = try await client.poll()
            guard let backend = snapshot.backends.first(where: { $0.name == backendName }) else {
                let names = snapshot.backends.map(\.name).joined(separator: ", ")
                throw RingError("HAProxy at \(address) has no backend '\(backendName)' (backends: \(names))")
            }
            if let version = snapshot.version, !version.hasPrefix("2.") {
                throw RingError("HAProxy \(version) at \(address): ringside's HAProxy ring model is verified on 2.x only (3.x changed hash keys)")
            }
            return backend.ringDefinition(name: ring.name, hashType: hashType)
        }
    }

    static func nutcrackerConfig(at path: String) throws -> NutcrackerConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: FileManager.default.fileExists(atPath: path) ? "the nutcracker config cannot be read" : "the nutcracker config does not exist")
        }
        return try NutcrackerConfig.parse(String(decoding: data, as: UTF8.self), file: path)
    }
}
