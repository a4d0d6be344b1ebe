/// What a staged change does to a ring: new ownership, the exact fraction of the hash space that changes
/// owner, and from which node to which. Computed by sweeping the old and new partitions together.
public struct RingPlan: Sendable {
    /// Keys flowing from one node to another, as a fraction of the whole hash space.
    public struct Flow: Sendable, Equatable {
        public var from: String
        public var to: String
        public var fraction: Double
        /// Neither end was named by a change: keys moving only because the others re-sized (weighted ketama).
        public var betweenUntouchedNodes: Bool
    }

    /// A contiguous range of positions that changes owner: the keys to warm before shifting traffic.
    public struct MovedRange: Sendable, Equatable {
        public var first: UInt64
        public var last: UInt64
        public var from: Int
        public var to: Int
    }

    public let before: HashRing
    public let after: HashRing
    public let changes: [RingChange]
    public let notes: [String]
    /// Fraction of the hash space that changes owner.
    public let movedFraction: Double
    public let flows: [Flow]
    /// `false` when the scheme only has expectations (jump).
    public let exact: Bool
    /// Every node of either side: those of `before` in order, then the ones the change adds.
    public let nodeNames: [String]
    /// Moved ranges in position order (Maglev: none, jump: none); `from` and `to` index `nodeNames`.
    public let movedRanges: [MovedRange]

    /// Builds the changed ring and compares it with `ring`.
    public init(_ ring: HashRing, changes: [RingChange]) throws(RingError) {
        if ring.scheme == .redisCluster {
            throw RingError("Redis Cluster moves slots explicitly (CLUSTER SETSLOT, redis-cli --cluster reshard); slot-migration plans are not modelled yet")
        }
        let (definition, notes) = try ring.definition.applying(changes, current: ring)
        try self.init(before: ring, after: HashRing(definition), changes: changes, notes: notes)
    }

    public init(before: HashRing, after: HashRing, changes: [RingChange] = [], notes: [String] = []) throws(RingError) {
        self.before = before
        self.after = after
        self.changes = changes
        var names = before.nodes.map(\.name)
        let known = Set(names)
        names += after.nodes.map(\.name).filter { !known.contains($0) }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let comparison = try PartitionComparison(
            before.partition, after.partition, beforeIDs: before.nodes.map { index[$0.name]! }, afterIDs: after.nodes.map { index[$0.name]! })
        var notes = notes
        let touched = Set(changes.map(\.node))
        var flows = comparison.flows.map { pair, count in
            Flow(
                from: names[pair.from], to: names[pair.to], fraction: comparison.fraction(count),
                betweenUntouchedNodes: !touched.isEmpty && !touched.contains(names[pair.from]) && !touched.contains(names[pair.to]))
        }
        flows.sort { ($0.fraction, $1.from, $1.to) > ($1.fraction, $0.from, $0.to) }
        let bystanders = Self.untouched(flows)
        if bystanders > 0 {
            notes.append(
                String(format: "%.2f%% of the key space moves between nodes the change did not touch", bystanders * 100)
                    + (before.scheme.isWeightedKetama ? " (every weighted-ketama node's point count depends on the total)" : ""))
        }
        self.flows = flows
        self.notes = notes
        self.nodeNames = names
        self.movedFraction = comparison.fraction(comparison.moved)
        self.exact = comparison.exact
        self.movedRanges = comparison.ranges
    }

    /// Fraction of the key space moving between nodes no change named.
    public var untouchedFraction: Double { Self.untouched(flows) }

    private static func untouched(_ flows: [Flow]) -> Double { flows.filter(\.betweenUntouchedNodes).reduce(0) { $0 + $1.fraction } }
}

extension RingScheme {
    var isWeightedKetama: Bool {
        switch self {
        case .twemproxyKetama, .libmemcachedKetama, .libketama, .envoyRingHash: true
        default: false
        }
    }
}

extension RingPartition {
    /// The same partition with owner `i` renamed `ids[i]`.
    func relabelled(_ ids: [Int]) -> RingPartition {
        if ids.indices.elementsEqual(ids) { return self }
        return switch self {
        case let .arcs(bits, ends, owners):
            .arcs(bits: bits, ends: ends, owners: owners.map { $0 == RingPartition.unowned ? $0 : UInt32(ids[Int($0)]) })
        case let .slots(table): .slots(table.map { UInt32(ids[Int($0)]) })
        case let .buckets(members): .buckets(members.map { ids[$0] })
        case .none: .none
        }
    }
}

/// The merge sweep of two partitions of the same space. Owners are compared through `beforeIDs`/`afterIDs`
/// (member index → node identity) because a change renumbers members.
struct PartitionComparison {
    struct Pair: Hashable { var from: Int; var to: Int }

    var flows: [Pair: UInt128] = [:]
    var moved: UInt128 = 0
    var total: UInt128 = 1
    var exact = true
    var ranges: [RingPlan.MovedRange] = []

    func fraction(_ count: UInt128) -> Double { Double(count) / Double(total) }

    init(_ before: RingPartition, _ after: RingPartition, beforeIDs: [Int], afterIDs: [Int]) throws(RingError) {
        let before = before.relabelled(beforeIDs), after = after.relabelled(afterIDs)
        switch (before, after) {
        case let (.arcs(bits, endsX, ownersX), .arcs(bitsY, endsY, ownersY)) where bits == bitsY:
            sweep(bits: bits, endsX, ownersX, endsY, ownersY)
        case let (.slots(tableX), .slots(tableY)) where tableX.count == tableY.count:
            total = UInt128(1) << 64
            for slot in tableX.indices where tableX[slot] != tableY[slot] {
                let weight = RingPartition.slotWeight(slot, size: tableX.count)
                moved += weight
                flows[Pair(from: Int(tableX[slot]), to: Int(tableY[slot])), default: 0] += weight
            }
        case let (.buckets(membersX), .buckets(membersY)):
            jumpExpectation(membersX, membersY)
        case (.none, _), (_, .none):
            throw RingError("no member would be in service on one side of the change; nothing to compare")
        default:
            throw RingError("the two rings partition the hash space differently and cannot be compared")
        }
    }

    /// `pos = 0; repeat { e = min(endX, endY); if owners differ, [pos, e] moves; advance the list(s) ending at e }`.
    private mutating func sweep(bits: Int, _ endsX: [UInt64], _ ownersX: [UInt32], _ endsY: [UInt64], _ ownersY: [UInt32]) {
        total = UInt128(1) << bits
        let last = RingPartition.lastPosition(bits: bits)
        var position: UInt64 = 0, i = 0, j = 0
        while true {
            let end = min(endsX[i], endsY[j])
            let from = Int(ownersX[i]), to = Int(ownersY[j])
            if from != to {
                let length = UInt128(end - position) + 1
                moved += length
                flows[Pair(from: from, to: to), default: 0] += length
                if let tail = ranges.last, tail.from == from, tail.to == to, tail.last &+ 1 == position {
                    ranges[ranges.count - 1].last = end
                } else {
                    ranges.append(.init(first: position, last: end, from: from, to: to))
                }
            }
            if end == last { break }
            position = end + 1
            if endsX[i] == end { i += 1 }
            if endsY[j] == end { j += 1 }
        }
    }

    /// Jump's exact expectations: growing n → m keeps a key in its bucket with probability n/m and sends it to
    /// each new bucket with 1/m; shrinking keeps buckets below m and spreads the rest evenly over 0…m−1.
    private mutating func jumpExpectation(_ before: [Int], _ after: [Int]) {
        exact = false
        let n = before.count, m = after.count
        // Work in units of 1/(n·m) so every probability is a whole count.
        total = UInt128(n * m)
        func add(_ from: Int, _ to: Int, _ units: Int) {
            guard from != to, units > 0 else { return }
            moved += UInt128(units)
            flows[Pair(from: from, to: to), default: 0] += UInt128(units)
        }
        for bucket in 0..<n {
            if m >= n {
                add(before[bucket], after[bucket], n)  // stays in its bucket: (1/n)·(n/m) = n/(n·m)
                for newBucket in n..<m { add(before[bucket], after[newBucket], 1) }
            } else if bucket < m {
                add(before[bucket], after[bucket], m)
            } else {
                for target in 0..<m { add(before[bucket], after[target], 1) }
            }
        }
    }
}
