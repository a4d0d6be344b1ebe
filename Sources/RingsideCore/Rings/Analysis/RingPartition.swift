/// A ring's exact partition of its hash space: which member owns which positions.
public enum RingPartition: Sendable {
    /// Contiguous arcs (every point ring). `ends` ascend and are inclusive; the last is 2^bits − 1.
    case arcs(bits: Int, ends: [UInt64], owners: [UInt32])
    /// Maglev: the owner of each slot; slot s receives the positions h with h % size == s.
    case slots([UInt32])
    /// Jump hash has no finite structure: bucket b belongs to `buckets[b]`, each an expected 1/n of the keys.
    case buckets([Int])
    /// No member in service.
    case none

    /// An arc or slot no member serves (a Redis Cluster slot without a master): keys there get an error.
    public static let unowned = UInt32.max

    /// The last position of a space of `bits` bits.
    static func lastPosition(bits: Int) -> UInt64 { bits == 64 ? .max : (1 << UInt64(bits)) - 1 }

    /// Positions of a 64-bit space that land in Maglev slot `slot` of `size`: ⌊(2^64 − 1 − slot) / size⌋ + 1.
    static func slotWeight(_ slot: Int, size: Int) -> UInt128 { UInt128((UInt64.max - UInt64(slot)) / UInt64(size)) + 1 }
}

extension HashRing {
    /// The exact partition, derived from the sorted points by each scheme's lookup rule (§10 of the ring notes:
    /// successor rings own `(p_{k−1}, p_k]`; HAProxy splits every gap at its midpoint, ties to the earlier point).
    public var partition: RingPartition {
        if let known = derived.partition.withLock({ $0 }) { return known }
        let computed = computePartition()
        derived.partition.withLock { $0 = computed }
        return computed
    }

    private func computePartition() -> RingPartition {
        switch layout {
        case .empty: return .none
        case let .successor32(points): return ArcBuilder.successor(points, bits: 32)
        case let .successor64(points): return ArcBuilder.successor(points, bits: 64)
        case let .closest32(points): return ArcBuilder.closest(points)
        case let .slots(table): return .slots(table)
        case let .jump(members): return .buckets(members)
        case let .hashSlots(table):
            // Runs of slots with the same master are arcs of a 14-bit space.
            var arcs = ArcBuilder.Arcs()
            for (slot, owner) in table.enumerated() { arcs.append(end: UInt64(slot), owner: owner) }
            return .arcs(bits: 14, ends: arcs.ends, owners: arcs.owners)
        }
    }
}

enum ArcBuilder {
    /// Accumulates arcs, merging neighbours with the same owner.
    struct Arcs {
        var ends: [UInt64] = []
        var owners: [UInt32] = []

        mutating func append(end: UInt64, owner: UInt32) {
            if let last = owners.last, last == owner {
                ends[ends.count - 1] = end
            } else {
                ends.append(end)
                owners.append(owner)
            }
        }
    }

    static func successor<Value>(_ points: SortedPoints<Value>, bits: Int) -> RingPartition {
        var ends: [UInt64] = [], owners: [UInt32] = []
        ends.reserveCapacity(points.count + 1)
        owners.reserveCapacity(points.count + 1)
        points.values.withUnsafeBufferPointer { values in
            points.owners.withUnsafeBufferPointer { pointOwners in
                for index in 0..<values.count {
                    let value = UInt64(values[index]), owner = pointOwners[index]
                    // Among equal points only the first is ever found by a lower-bound search.
                    if index > 0 && values[index] == values[index &- 1] { continue }
                    if owners.last == owner {
                        ends[ends.count &- 1] = value
                    } else {
                        ends.append(value)
                        owners.append(owner)
                    }
                }
            }
        }
        let last = RingPartition.lastPosition(bits: bits)
        if ends.last != last {
            if owners.last == points.owners[0] { ends[ends.count - 1] = last } else {
                ends.append(last)
                owners.append(points.owners[0])
            }
        }
        return .arcs(bits: bits, ends: ends, owners: owners)
    }

    /// HAProxy's closest-point rule. Position h between distinct points p_k < p_{k+1} (gap L) goes to p_k's
    /// last-inserted owner when h − p_k ≤ ⌊L/2⌋, else to p_{k+1}'s first-inserted owner; the gap past the last
    /// point wraps to the first.
    static func closest(_ points: SortedPoints<UInt32>) -> RingPartition {
        // Groups of equal values: (value, first-inserted owner, last-inserted owner).
        var groups: [(value: UInt64, first: UInt32, last: UInt32)] = []
        for index in 0..<points.count {
            let value = UInt64(points.values[index])
            if let tail = groups.last, tail.value == value {
                groups[groups.count - 1].last = points.owners[index]
            } else {
                groups.append((value, points.owners[index], points.owners[index]))
            }
        }
        let space: UInt64 = 1 << 32
        var arcs = Arcs()
        let first = groups[0], last = groups[groups.count - 1]
        // The wrap gap runs from the last point to the first point + 2^32.
        let wrapSplit = last.value + (space - last.value + first.value) / 2
        if wrapSplit >= space, wrapSplit - space < first.value { arcs.append(end: wrapSplit - space, owner: last.last) }
        arcs.append(end: first.value, owner: first.first)
        for index in 1..<groups.count {
            let lower = groups[index - 1], upper = groups[index]
            let split = lower.value + (upper.value - lower.value) / 2
            if split > lower.value { arcs.append(end: split, owner: lower.last) }
            arcs.append(end: upper.value, owner: upper.first)
        }
        if last.value < space - 1 {
            if wrapSplit > last.value { arcs.append(end: min(wrapSplit, space - 1), owner: last.last) }
            if wrapSplit < space - 1 { arcs.append(end: space - 1, owner: first.first) }
        }
        return .arcs(bits: 32, ends: arcs.ends, owners: arcs.owners)
    }
}
