import Yams

/// The `rings:` section of the fleet file. Four forms: a balancer's HAProxy backend (`balancer` + `backend`
/// [+ `hash_type`]), a twemproxy pool (`balancer` + `pool`), a Redis Cluster through one of the fleet's redis
/// nodes (`redis_cluster: NODE`), or members declared for client-side hashing (`scheme` + `members`).
enum RingFile {
    static let schemes = ["twemproxy", "libmemcached", "libketama", "haproxy", "nginx", "envoy-ring", "envoy-maglev", "jump"]

    static func parse(_ node: Node, _ reader: YAMLReader, fleet: Fleet) throws -> RingDeclaration {
        let entries = try reader.entries(
            reader.mapping(node, "a ring"),
            allowed: ["name", "balancer", "backend", "pool", "hash_type", "scheme", "hash", "hash_tag", "members", "redis_cluster",
                      "min_ring_size", "max_ring_size", "table_size"],
            in: "a ring")
        guard let nameEntry = entries["name"] else { throw reader.error(at: node, "a ring needs a name") }
        let name = try reader.string(nameEntry.value, "name")
        if let clusterEntry = entries["redis_cluster"] {
            let nodeName = try reader.string(clusterEntry.value, "redis_cluster")
            guard let node = fleet.endpoints.first(where: { $0.name == nodeName && $0.kind == .redis }) else {
                throw reader.error(at: clusterEntry.value, "ring '\(name)': redis_cluster names a redis node of nodes; '\(nodeName)' is not one")
            }
            return RingDeclaration(name: name, source: .redisCluster(address: node.address, credentials: node.credentials), balancer: nil)
        }
        if let balancerEntry = entries["balancer"] {
            guard entries["members"] == nil, entries["scheme"] == nil else {
                throw reader.error(at: balancerEntry.key, "ring '\(name)': give either balancer or scheme + members, not both")
            }
            return try balancerRing(name, balancerEntry, entries, reader, fleet: fleet)
        }
        guard let schemeEntry = entries["scheme"], let membersEntry = entries["members"] else {
            throw reader.error(at: node, "ring '\(name)' needs either balancer (with backend or pool) or scheme and members")
        }
        let scheme = try parseScheme(schemeEntry.value, entries, reader, ring: name)
        var members: [RingMember] = []
        for memberNode in try reader.sequence(membersEntry.value, "members") {
            let member = try parseMember(memberNode, reader, fleet: fleet, ring: name)
            guard !members.contains(where: { $0.name == member.name }) else {
                throw reader.error(at: memberNode, "ring '\(name)': member '\(member.name)' is listed twice")
            }
            members.append(member)
        }
        guard !members.isEmpty else { throw reader.error(at: membersEntry.value, "ring '\(name)' has no members") }
        return RingDeclaration(name: name, source: .members(scheme, members))
    }

    private static func balancerRing(
        _ name: String, _ balancerEntry: (key: Node, value: Node), _ entries: [String: (key: Node, value: Node)], _ reader: YAMLReader,
        fleet: Fleet
    ) throws -> RingDeclaration {
        let balancerName = try reader.string(balancerEntry.value, "balancer")
        guard let balancer = fleet.endpoints.first(where: { $0.name == balancerName }), !balancer.kind.isCacheNode else {
            throw reader.error(at: balancerEntry.value, "ring '\(name)': no balancer named '\(balancerName)' in balancers")
        }
        switch balancer.kind {
        case .haproxy:
            guard let backend = entries["backend"] else { throw reader.error(at: balancerEntry.key, "ring '\(name)': an HAProxy ring needs backend") }
            var hashType = HAProxyHashType.default
            if let typeEntry = entries["hash_type"] {
                switch HAProxyHashType.parse(try reader.string(typeEntry.value, "hash_type")) {
                case let .success(parsed): hashType = parsed
                case let .failure(problem): throw reader.error(at: typeEntry.value, "ring '\(name)': \(problem)")
                }
            }
            return RingDeclaration(
                name: name, source: .haproxyBackend(address: balancer.address, backend: try reader.string(backend.value, "backend"), hashType: hashType),
                balancer: balancerName)
        default:
            guard let pool = entries["pool"] else { throw reader.error(at: balancerEntry.key, "ring '\(name)': a twemproxy ring needs pool") }
            guard let path = balancer.nutcrackerConfigPath else {
                throw reader.error(at: balancerEntry.value, "ring '\(name)': balancer '\(balancerName)' has no nutcracker_config to read the pool from")
            }
            return RingDeclaration(name: name, source: .twemproxyPool(configPath: path, pool: try reader.string(pool.value, "pool")), balancer: balancerName)
        }
    }

    private static func parseScheme(_ node: Node, _ entries: [String: (key: Node, value: Node)], _ reader: YAMLReader, ring: String) throws -> RingScheme {
        let kind = try reader.string(node, "scheme")
        func integer(_ key: String, _ fallback: Int) throws -> Int {
            try entries[key].map { try reader.integer($0.value, key, in: 1...100_000_000) } ?? fallback
        }
        switch kind {
        case "twemproxy":
            var hash = TwemproxyKeyHash.default
            if let hashEntry = entries["hash"] {
                let text = try reader.string(hashEntry.value, "hash")
                guard let parsed = TwemproxyKeyHash(rawValue: text) else {
                    throw reader.error(at: hashEntry.value, "ring '\(ring)': hash '\(text)' is not one of \(TwemproxyKeyHash.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                hash = parsed
            }
            let tag = try entries["hash_tag"].map { try reader.string($0.value, "hash_tag") }
            if let tag, KeyHasher.HashTag(tag) == nil, let entry = entries["hash_tag"] {
                throw reader.error(at: entry.value, "ring '\(ring)': hash_tag must be two characters, like \"{}\"")
            }
            return .twemproxyKetama(hash: hash, hashTag: tag)
        case "libmemcached": return .libmemcachedKetama
        case "libketama": return .libketama
        case "haproxy":
            guard let typeEntry = entries["hash_type"] else { return .haproxyConsistent(.default) }
            switch HAProxyHashType.parse(try reader.string(typeEntry.value, "hash_type")) {
            case let .success(parsed): return .haproxyConsistent(parsed)
            case let .failure(problem): throw reader.error(at: typeEntry.value, "ring '\(ring)': \(problem)")
            }
        case "nginx": return .nginxConsistent
        case "envoy-ring": return .envoyRingHash(minimumRingSize: try integer("min_ring_size", 1024), maximumRingSize: try integer("max_ring_size", 8_388_608))
        case "envoy-maglev": return .envoyMaglev(tableSize: try integer("table_size", 65537))
        case "jump": return .jump
        default:
            throw reader.error(at: node, "ring '\(ring)': scheme '\(kind)' is not one of \(schemes.joined(separator: ", "))")
        }
    }

    /// `{ node: mc-1 }` takes a fleet node's name and address; otherwise `name` and `address` are given.
    private static func parseMember(_ node: Node, _ reader: YAMLReader, fleet: Fleet, ring: String) throws -> RingMember {
        let entries = try reader.entries(
            reader.mapping(node, "a ring member"), allowed: ["node", "name", "address", "weight", "id", "hash_key"], in: "a ring member")
        var member: RingMember
        if let nodeEntry = entries["node"] {
            let nodeName = try reader.string(nodeEntry.value, "node")
            guard let endpoint = fleet.endpoints.first(where: { $0.name == nodeName && $0.kind.isCacheNode }) else {
                throw reader.error(at: nodeEntry.value, "ring '\(ring)': no cache node named '\(nodeName)' in nodes")
            }
            member = RingMember(name: try entries["name"].map { try reader.string($0.value, "name") } ?? nodeName, address: endpoint.address.description)
        } else {
            guard let nameEntry = entries["name"] else { throw reader.error(at: node, "ring '\(ring)': a member needs node, or name and address") }
            member = RingMember(name: try reader.string(nameEntry.value, "name"))
            member.address = try entries["address"].map { try reader.string($0.value, "address") }
        }
        if let weight = entries["weight"] { member.weight = try reader.integer(weight.value, "weight", in: 0...1_000_000) }
        if let id = entries["id"] { member.id = try reader.integer(id.value, "id", in: 1...Int(Int32.max)) }
        member.hashKey = try entries["hash_key"].map { try reader.string($0.value, "hash_key") }
        return member
    }
}
