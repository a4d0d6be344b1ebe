/// One member's exact share of the hash space beside the share its weight asks for.
public struct NodeShare: Sendable, Equatable {
    public var name: String
    public var weight: Int
    public var points: Int
    public var inService: Bool
    /// Fraction of all positions (0…1) this member owns.
    public var share: Double
    /// Weight over the total in-service weight.
    public var ideal: Double

    /// `share / ideal − 1`: +0.12 owns 12 % more than its weight asks for. `nil` out of service.
    public var deviation: Double? { inService && ideal > 0 ? share / ideal - 1 : nil }
}

/// Who owns how much of a ring, computed from the partition, never sampled.
public struct RingOwnership: Sendable, Equatable {
    public var nodes: [NodeShare]
    /// `false` for jump hash, whose shares are expectations.
    public var exact: Bool

    /// Share over ideal share for each in-service member: 1.0 owns exactly what its weight asks for.
    private var ratios: [Double] { nodes.filter { $0.inService && $0.ideal > 0 }.map { $0.share / $0.ideal } }

    /// The most overloaded member's share/ideal over the mean share/ideal (1.0 is perfectly even; with equal
    /// weights it is the largest share over the mean share).
    public var maxOverMean: Double {
        let ratios = ratios
        guard let top = ratios.max() else { return 0 }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        return mean > 0 ? top / mean : 0
    }

    /// Coefficient of variation of share / ideal over in-service members: the ring's unevenness.
    public var coefficientOfVariation: Double {
        let ratios = ratios
        guard ratios.count > 1 else { return 0 }
        let mean = ratios.reduce(0, +) / Double(ratios.count)
        let variance = ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(ratios.count)
        return variance.squareRoot() / mean
    }
}

extension HashRing {
    public var ownership: RingOwnership {
        if let known = derived.ownership.withLock({ $0 }) { return known }
        let computed = ownership(of: partition)
        derived.ownership.withLock { $0 = computed }
        return computed
    }

    func ownership(of partition: RingPartition) -> RingOwnership {
        let spans = PartitionSpans(partition, members: nodes.count)
        let totalWeight = nodes.filter(\.inService).reduce(0) { $0 + $1.weight }
        let shares = nodes.enumerated().map { index, node in
            NodeShare(
                name: node.name, weight: node.weight, points: node.points, inService: node.inService,
                share: spans.fraction(spans.owned[index]),
                ideal: node.inService && totalWeight > 0 ? Double(node.weight) / Double(totalWeight) : 0)
        }
        return RingOwnership(nodes: shares, exact: spans.exact)
    }
}

/// Exact position counts per member (UInt128, since a 64-bit space has 2^64 positions).
struct PartitionSpans {
    var owned: [UInt128]
    var total: UInt128
    var exact = true

    init(_ partition: RingPartition, members: Int) {
        owned = [UInt128](repeating: 0, count: members)
        switch partition {
        case .none:
            total = 1
        case let .arcs(bits, ends, owners):
            var start: UInt128 = 0
            for (end, owner) in zip(ends, owners) {
                if owner != RingPartition.unowned { owned[Int(owner)] += UInt128(end) + 1 - start }
                start = UInt128(end) + 1
            }
            total = UInt128(1) << bits
        case let .slots(table):
            for (slot, owner) in table.enumerated() { owned[Int(owner)] += RingPartition.slotWeight(slot, size: table.count) }
            total = UInt128(1) << 64
        case let .buckets(members):
            // Expected 1/n each: count every bucket as one unit of n.
            for member in members { owned[member] += 1 }
            total = UInt128(members.count)
            exact = false
        }
    }

    func fraction(_ count: UInt128) -> Double { Double(count) / Double(total) }
}
