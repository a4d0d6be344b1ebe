/// Redis Cluster: no hashing of members at all. Each master serves the slots assigned to it; a key's slot is
/// CRC16 of its hash tag or of the key, modulo 16384. Slots no master serves answer `CLUSTERDOWN`.
enum RedisClusterRing {
    static func build(_ members: [RingMember]) throws(RingError) -> RingBuilder.Built {
        var table = [UInt32](repeating: RingPartition.unowned, count: RedisClusterSlot.count)
        var counts = [Int](repeating: 0, count: members.count)
        for (index, member) in members.enumerated() {
            for range in member.slots {
                guard range.lowerBound >= 0, range.upperBound < RedisClusterSlot.count else {
                    throw RingError("'\(member.name)': slots \(range.lowerBound)-\(range.upperBound) are outside 0-16383")
                }
                for slot in range {
                    guard table[slot] == RingPartition.unowned else {
                        throw RingError("slot \(slot) is served by both \(members[Int(table[slot])].name) and \(member.name)")
                    }
                    table[slot] = UInt32(index)
                    counts[index] += 1
                }
            }
        }
        let nodes = members.enumerated().map { index, member in
            RingNode(name: member.name, weight: member.weight, hashedAs: "\(counts[index]) slots", points: counts[index], inService: member.inService && counts[index] > 0)
        }
        return .init(nodes: nodes, layout: .hashSlots(table), keyHasher: .redisClusterSlot)
    }
}
