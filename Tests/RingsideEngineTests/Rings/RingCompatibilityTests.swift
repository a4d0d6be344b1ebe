import Foundation
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing
@testable import RingsideEngine

/// Keys routed through the real proxies must land exactly where ringside's ring says, for thousands of keys.
/// The ring is built the way the console and `ringside ring` build it: from the nutcracker config file, or
/// from HAProxy's Runtime API. One case at a time: each starts up to 26 daemons on a two-core machine.
@Suite(.serialized) struct RingCompatibilityTests {}

extension RingCompatibilityTests {
@Suite(.enabled(
    if: DaemonKind.memcached.shouldRunLiveTests && DaemonKind.nutcracker.shouldRunLiveTests,
    "needs memcached and nutcracker: apt-get install memcached nutcracker"))
struct Nutcracker {
    /// ASCII keys of several shapes, plus keys with bytes ≥ 0x80 (twemproxy's fnv hashes read them as signed char).
    static func keys(_ count: Int) -> [String] {
        (0..<count).map { index in
            switch index % 4 {
            case 0: "user:\(index)"
            case 1: "session-\(index * 7919)"
            case 2: "k\(index)"
            default: "clé-ключ-\(index)"
            }
        }
    }

    struct Pool: Sendable, CustomTestStringConvertible {
        var label: String
        var hash: String
        /// Per server: weight, explicit name, and a 127.0.0.x host to run it on port 11211 instead of a free port.
        var servers: [(weight: Int, name: String?, host11211: String?)]
        var testDescription: String { label }
    }

    static let pools: [Pool] = [
        Pool(label: "md5, 5 equal servers", hash: "md5", servers: Array(repeating: (1, nil, nil), count: 5)),
        Pool(label: "fnv1a_64, unequal weights, named", hash: "fnv1a_64", servers: [(1, "alpha", nil), (2, nil, nil), (3, "gamma", nil), (1, nil, nil)]),
        Pool(label: "fnv1a_64, port 11211 on 127.0.0.x", hash: "fnv1a_64", servers: [(1, nil, "127.0.0.2"), (1, nil, "127.0.0.3"), (2, nil, "127.0.0.4")]),
        Pool(label: "fnv1a_32, named", hash: "fnv1a_32", servers: [(1, "a", nil), (1, "b", nil), (1, "c", nil)]),
        Pool(label: "md5, 25 equal servers (156 points each)", hash: "md5", servers: Array(repeating: (1, nil, nil), count: 25)),
    ] + ["fnv1_64", "fnv1_32", "crc32a", "one_at_a_time", "murmur", "crc32"].map { hash in
        // twemproxy's other key hashes, on three unequal servers (crc32 is the 15-bit variant: one node gets everything).
        Pool(label: "\(hash), weights 1/2/1", hash: hash, servers: [(1, nil, nil), (2, nil, nil), (1, "last", nil)])
    }

    @Test(arguments: pools)
    func keysLandWhereTheRingSays(pool: Pool) async throws { try await heavyTest { try await check(pool) } }

    func check(_ pool: Pool) async throws {
        let servers = pool.servers
        let daemons = try await offCooperativePool {
            try servers.map { server in
                try server.host11211.map { try Daemons.memcached(memoryMB: 8, host: $0, port: 11211) } ?? Daemons.memcached(memoryMB: 8)
            }
        }
        defer { daemons.forEach { $0.stop() } }
        let hosts = pool.servers.map { $0.host11211 ?? "127.0.0.1" }
        let lines = pool.servers.indices.map { index in
            "\(hosts[index]):\(daemons[index].port):\(pool.servers[index].weight)" + (pool.servers[index].name.map { " \($0)" } ?? "")
        }
        let proxy = try await offCooperativePool { try Daemons.nutcracker(servers: lines, hash: pool.hash, autoEject: false) }
        defer { proxy.daemon.stop() }

        let definition = try await RingCatalog.definition(
            of: RingDeclaration(name: "alpha", source: .twemproxyPool(configPath: proxy.configPath, pool: "alpha")), limits: WireLimits())
        let ring = try HashRing(definition)
        let keys = Self.keys(pool.servers.count > 10 ? 5000 : 2000)
        let routed = try await RingProbe.routeThroughNutcracker(
            listenPort: proxy.listenPort, keys: keys,
            backends: daemons.indices.map { (definition.members[$0].name, hosts[$0], daemons[$0].port) })
        let mismatches = keys.filter { key in routed[key] ?? nil != ring.owner(ofKey: key).map { ring.nodes[$0].name } }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(keys.count) keys, e.g. \(mismatches.prefix(3))")
        if pool.servers.count == 25 { #expect(Set(ring.nodes.map(\.points)) == [156]) }
        // Every server got keys, so the comparison covered the whole ring (except with crc32, which cannot spread them).
        #expect(Set(routed.values.compactMap { $0 }).count == (pool.hash == "crc32" ? 1 : pool.servers.count))
    }
}

@Suite(.enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "needs haproxy: apt-get install haproxy"))
struct HAProxy {
    @Test(arguments: ["consistent", "consistent sdbm", "consistent djb2 avalanche", "consistent wt6 avalanche", "consistent crc32"])
    func requestsLandWhereTheRingSaysBeforeAndAfterADrain(hashType: String) async throws {
        try await heavyTest { try await check(hashType) }
    }

    func check(_ hashType: String) async throws {
        let servers = [
            HAProxyBackendSpec.Server(name: "s1", port: freeLoopbackPort(), weight: 1),
            HAProxyBackendSpec.Server(name: "s2", port: freeLoopbackPort(), weight: 3),
            HAProxyBackendSpec.Server(name: "s3", port: freeLoopbackPort(), weight: 2, id: 10),
            HAProxyBackendSpec.Server(name: "s4", port: freeLoopbackPort(), weight: 1),
        ]
        let haproxy = try await offCooperativePool { try Daemons.haproxyEchoing(balance: "hdr(X-Key)", hashType: hashType, servers: servers) }
        defer { haproxy.daemon.stop() }
        let declaration = RingDeclaration(
            name: "be_hash",
            source: .haproxyBackend(
                address: HostPort(host: "127.0.0.1", port: haproxy.daemon.port), backend: "be_hash",
                hashType: try HAProxyHashType.parse(hashType).get()))
        let keys = Nutcracker.keys(3000)

        func compare() async throws -> HashRing {
            let ring = try HashRing(try await RingCatalog.definition(of: declaration, limits: WireLimits()))
            let served = try await RingProbe.routeThroughHTTP(port: haproxy.listenPort, header: "X-Key", keys: keys)
            let mismatches = zip(keys, served).filter { key, server in ring.nodes[ring.owner(ofKey: key)!].name != server }
            #expect(mismatches.isEmpty, "\(mismatches.count) of \(keys.count) requests, e.g. \(mismatches.prefix(3))")
            return ring
        }

        let before = try await compare()
        #expect(before.nodes.map(\.hashedAs) == ["id 1", "id 2", "id 10", "id 4"])
        _ = try await CacheTraffic.haproxyCommand(port: haproxy.daemon.port, "set server be_hash/s2 state drain")
        let after = try await compare()
        #expect(after.nodes[1].inService == false)
        #expect(after.nodes[1].points == 0)
    }
}

@Suite(.enabled(if: DaemonKind.nginx.shouldRunLiveTests, "needs nginx: apt-get install nginx-light"))
struct Nginx {
    /// nginx hashes each `server` line as written; a `down` server keeps its points and its keys go to the next
    /// points' servers.
    @Test(arguments: [false, true])
    func requestsLandWhereTheRingSays(withADownServer: Bool) async throws {
        try await heavyTest { try await check(withADownServer) }
    }

    func check(_ withADownServer: Bool) async throws {
        let servers = [(name: "n1", weight: 1), ("n2", 3), ("n3", 2), ("n4", 1)].enumerated().map { index, server in
            (name: server.name, port: freeLoopbackPort(), weight: server.weight, down: withADownServer && index == 1)
        }
        let nginx = try await offCooperativePool { try Daemons.nginxEchoing(servers: servers) }
        defer { nginx.daemon.stop() }
        let members = servers.map { server in
            RingMember(name: server.name, address: "127.0.0.1:\(server.port)", weight: server.weight, inService: !server.down)
        }
        let ring = try HashRing(RingDefinition(name: "hashed", scheme: .nginxConsistent, members: members))
        let keys = Nutcracker.keys(3000)
        let served = try await RingProbe.routeThroughHTTP(port: nginx.listenPort, header: "X-Key", keys: keys)
        let mismatches = zip(keys, served).filter { key, server in ring.nodes[ring.owner(ofKey: key)!].name != server }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(keys.count) requests, e.g. \(mismatches.prefix(3))")
        #expect(Set(served).count == (withADownServer ? 3 : 4))
    }
}
}
