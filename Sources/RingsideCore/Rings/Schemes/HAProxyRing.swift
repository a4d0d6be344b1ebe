/// HAProxy 2.6 `hash-type consistent` (`src/lb_chash.c`): a server of weight w holds 16·w points,
/// point j at `full_hash(id · 4096 + j)`; names and addresses never enter the ring.
enum HAProxyRing {
    /// `BE_WEIGHT_SCALE`: points per unit of user weight.
    static let pointsPerWeight = 16
    static let maximumWeight = 256

    static func build(_ members: [RingMember], hashType: HAProxyHashType) throws(RingError) -> RingBuilder.Built {
        for member in members where member.weight > maximumWeight {
            throw RingError("'\(member.name)': HAProxy weights go up to \(maximumWeight) (got \(member.weight))")
        }
        let ids = try serverIDs(members)
        let nodes = members.enumerated().map { index, member in
            let usable = member.inService && member.weight > 0
            return RingNode(
                name: member.name, weight: member.weight, hashedAs: "id \(ids[index])",
                points: usable ? member.weight * pointsPerWeight : 0, inService: usable)
        }
        let keyHasher = KeyHasher.haproxy(hashType)
        guard nodes.contains(where: \.inService) else { return .init(nodes: nodes, layout: .empty, keyHasher: keyHasher) }
        var packed: [UInt64] = []
        packed.reserveCapacity(nodes.reduce(0) { $0 + $1.points })
        for (index, node) in nodes.enumerated() where node.inService {
            let base = UInt32(truncatingIfNeeded: ids[index] &* 4096)
            for point in 0..<UInt32(node.points) {
                packed.append(UInt64(HAProxyAvalanche.fullHash(base &+ point)) << 32 | UInt64(index))
            }
        }
        return .init(nodes: nodes, layout: .closest32(SortedPoints(packed: &packed)), keyHasher: keyHasher)
    }

    /// Explicit `id`s as given; the others as HAProxy assigns them at startup: a counter starting at 1 that
    /// advances after every server, each id-less server taking the first id ≥ the counter not yet used.
    static func serverIDs(_ members: [RingMember]) throws(RingError) -> [Int] {
        var used = Set<Int>()
        for member in members {
            guard let id = member.id else { continue }
            guard id > 0 else { throw RingError("'\(member.name)': HAProxy server ids start at 1 (got \(id))") }
            guard used.insert(id).inserted else { throw RingError("server id \(id) is used twice") }
        }
        var next = 1
        var ids: [Int] = []
        for member in members {
            if let id = member.id {
                ids.append(id)
            } else {
                while used.contains(next) { next += 1 }
                used.insert(next)
                ids.append(next)
            }
            next += 1
        }
        return ids
    }
}
