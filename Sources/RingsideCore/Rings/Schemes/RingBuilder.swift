/// Builds each scheme's layout and per-member placement; one file per scheme beside this one.
enum RingBuilder {
    struct Built {
        var nodes: [RingNode]
        var layout: RingLayout
        var keyHasher: KeyHasher
    }

    static func build(_ definition: RingDefinition) throws(RingError) -> Built {
        switch definition.scheme {
        case let .twemproxyKetama(hash, tag):
            var hashTag: KeyHasher.HashTag?
            if let tag {
                guard let parsed = KeyHasher.HashTag(tag) else { throw RingError("hash_tag must be two characters, like \"{}\" (got \"\(tag)\")") }
                hashTag = parsed
            }
            return KetamaRing.twemproxy(definition.members, keyHasher: .twemproxy(hash, hashTag: hashTag))
        case .libmemcachedKetama: return KetamaRing.libmemcached(definition.members)
        case .libketama: return KetamaRing.libketama(definition.members)
        case let .haproxyConsistent(type): return try HAProxyRing.build(definition.members, hashType: type)
        case .nginxConsistent: return NginxRing.build(definition.members)
        case let .envoyRingHash(minimum, maximum): return try EnvoyRing.build(definition.members, minimumSize: minimum, maximumSize: maximum)
        case let .envoyMaglev(size): return try MaglevTable.build(definition.members, tableSize: size)
        case .jump: return try JumpRing.build(definition.members)
        case .redisCluster: return try RedisClusterRing.build(definition.members)
        }
    }

    /// Members' placement with the same point count rule applied to every in-service member.
    static func nodes(_ members: [RingMember], hashedAs: (RingMember) -> String, points: (Int, RingMember) -> Int) -> [RingNode] {
        members.enumerated().map { index, member in
            RingNode(
                name: member.name, weight: member.weight, hashedAs: hashedAs(member),
                points: member.inService ? points(index, member) : 0, inService: member.inService)
        }
    }

    /// Splits `host:port` at the last colon; `port` is nil when the text after it is not a number.
    static func splitAddress(_ text: String) -> (host: String, port: Int?) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return (text, nil) }
        return (String(text[..<colon]), port)
    }
}
