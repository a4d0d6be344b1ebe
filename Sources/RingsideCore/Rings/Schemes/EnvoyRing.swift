/// Envoy `RING_HASH` (`ring_hash_lb.cc`): weights normalised, scaled so the lightest host gets a whole number
/// of points (`minimum_ring_size`, capped by `maximum_ring_size`), points `xxHash64("<key>_<i>")` placed from
/// running sums in host order; lookup is the first point ≥ the key's xxHash64.
enum EnvoyRing {
    static func build(_ members: [RingMember], minimumSize: Int, maximumSize: Int) throws(RingError) -> RingBuilder.Built {
        guard minimumSize > 0, maximumSize >= minimumSize else {
            throw RingError("Envoy ring sizes need 0 < minimum_ring_size ≤ maximum_ring_size")
        }
        let live = members.indices.filter { members[$0].inService && members[$0].weight > 0 }
        let total = Double(live.reduce(0) { $0 + members[$1].weight })
        var counts = [Int](repeating: 0, count: members.count)
        var unsorted: [(value: UInt64, owner: UInt32)] = []
        if !live.isEmpty {
            let minimumWeight = live.map { Double(members[$0].weight) / total }.min()!
            let scale = min((minimumWeight * Double(minimumSize)).rounded(.up) / minimumWeight, Double(maximumSize))
            var current = 0.0, target = 0.0
            for index in live {
                target += scale * (Double(members[index].weight) / total)
                let prefix = hashKey(members[index]) + "_"
                var point = 0
                while current < target {
                    let value = (prefix + String(point)).withKeyBytes { XXHash64.hash($0) }
                    unsorted.append((value, UInt32(index)))
                    point += 1
                    current += 1
                }
                counts[index] = point
            }
        }
        let nodes = RingBuilder.nodes(members, hashedAs: hashKey) { index, _ in counts[index] }
        let layout: RingLayout = unsorted.isEmpty ? .empty : .successor64(SortedPoints(unsorted: unsorted))
        return .init(nodes: nodes, layout: layout, keyHasher: .xxHash64)
    }

    /// The host's `hash_key` metadata if set, else its address (`ip:port`).
    static func hashKey(_ member: RingMember) -> String { member.hashKey ?? member.address ?? member.name }
}

/// Envoy `MAGLEV` (`maglev_lb.cc`, Eisenbud et al. NSDI'16): hosts sorted by key fill a prime-sized table
/// through their own permutations (`offset = xxHash64(key) % M`, `skip = xxHash64(key, seed 1) % (M−1) + 1`),
/// weighted turns per round; a key goes to `table[xxHash64(key) % M]`.
enum MaglevTable {
    static func build(_ members: [RingMember], tableSize: Int) throws(RingError) -> RingBuilder.Built {
        guard tableSize > 2, isPrime(tableSize), tableSize <= 5_000_011 else {
            throw RingError("Maglev table size must be a prime up to 5000011 (got \(tableSize))")
        }
        let live = members.indices.filter { members[$0].inService && members[$0].weight > 0 }
            .sorted { (EnvoyRing.hashKey(members[$0]), $0) < (EnvoyRing.hashKey(members[$1]), $1) }
        var counts = [Int](repeating: 0, count: members.count)
        let nodes = { RingBuilder.nodes(members, hashedAs: EnvoyRing.hashKey) { index, _ in counts[index] } }
        guard !live.isEmpty else { return .init(nodes: nodes(), layout: .empty, keyHasher: .xxHash64) }
        let size = UInt64(tableSize)
        let total = Double(live.reduce(0) { $0 + members[$1].weight })
        struct Entry { var offset: UInt64; var skip: UInt64; var weight: Double; var target = 0.0; var next: UInt64 = 0; var member: Int }
        var entries = live.map { index in
            EnvoyRing.hashKey(members[index]).withKeyBytes { key in
                Entry(
                    offset: XXHash64.hash(key) % size, skip: XXHash64.hash(key, seed: 1) % (size - 1) + 1,
                    weight: Double(members[index].weight) / total, member: index)
            }
        }
        let maximumWeight = entries.map(\.weight).max()!
        let empty = UInt32.max
        var table = [UInt32](repeating: empty, count: tableSize)
        var filled = 0
        var round = 1.0
        while filled < tableSize {
            for slot in entries.indices where filled < tableSize {
                if round * entries[slot].weight < entries[slot].target { continue }
                entries[slot].target += maximumWeight
                var position = Int((entries[slot].offset + entries[slot].skip * entries[slot].next) % size)
                while table[position] != empty {
                    entries[slot].next += 1
                    position = Int((entries[slot].offset + entries[slot].skip * entries[slot].next) % size)
                }
                table[position] = UInt32(entries[slot].member)
                entries[slot].next += 1
                counts[entries[slot].member] += 1
                filled += 1
            }
            round += 1
        }
        return .init(nodes: nodes(), layout: .slots(table), keyHasher: .xxHash64)
    }

    static func isPrime(_ value: Int) -> Bool {
        guard value >= 2 else { return false }
        var divisor = 2
        while divisor * divisor <= value {
            if value % divisor == 0 { return false }
            divisor += 1
        }
        return true
    }
}

/// Jump consistent hash over the in-service members in order. It has no weights and can only grow or shrink
/// at the end; removing a member in the middle renumbers every bucket after it.
enum JumpRing {
    static func build(_ members: [RingMember]) throws(RingError) -> RingBuilder.Built {
        for member in members where member.weight != 1 {
            throw RingError("'\(member.name)': jump hash has no weights (use weight 1, or several members per node)")
        }
        let live = members.indices.filter { members[$0].inService }
        let nodes = members.enumerated().map { index, member in
            let bucket = live.firstIndex(of: index)
            return RingNode(
                name: member.name, weight: member.weight, hashedAs: bucket.map { "bucket \($0)" } ?? "-",
                points: bucket == nil ? 0 : 1, inService: member.inService)
        }
        return .init(nodes: nodes, layout: live.isEmpty ? .empty : .jump(live), keyHasher: .fnv1a64)
    }
}
