import RingsideCore

/// The hash space squeezed into a row of cells: each cell shows the node owning most of its slice of the space
/// (Maglev: of its slots; jump: of its buckets). Exact over the partition, never sampled.
enum RingBand {
    static func owners(_ partition: RingPartition, cells: Int) -> [Int?] {
        guard cells > 0 else { return [] }
        switch partition {
        case .none: return Array(repeating: nil, count: cells)
        case let .arcs(bits, ends, owners):
            // Unserved arcs (a Redis Cluster slot without a master) count as owner −1 and show as blank.
            return majority(
                cells: cells, space: Double(UInt128(1) << bits),
                spans: zip(ends, owners).map { (Double($0.0) + 1, $0.1 == RingPartition.unowned ? -1 : Int($0.1)) })
        case let .slots(table): return majority(cells: cells, space: Double(table.count), spans: table.enumerated().map { (Double($0.offset + 1), Int($0.element)) })
        case let .buckets(members): return majority(cells: cells, space: Double(members.count), spans: members.enumerated().map { (Double($0.offset + 1), $0.element) })
        }
    }

    /// `spans` are (exclusive end, owner) in order, covering [0, space).
    private static func majority(cells: Int, space: Double, spans: [(end: Double, owner: Int)]) -> [Int?] {
        var result: [Int?] = []
        result.reserveCapacity(cells)
        var spanIndex = 0, position = 0.0
        for cell in 0..<cells {
            let cellEnd = space * Double(cell + 1) / Double(cells)
            var lengths: [Int: Double] = [:]
            while spanIndex < spans.count {
                let end = min(spans[spanIndex].end, cellEnd)
                lengths[spans[spanIndex].owner, default: 0] += max(0, end - position)
                position = end
                if spans[spanIndex].end <= cellEnd { spanIndex += 1 } else { break }
            }
            let owner = lengths.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
            result.append(owner == -1 ? nil : owner)
        }
        return result
    }

    /// A node's letter: A–Z, a–z, 0–9, then round again.
    static func letter(_ index: Int) -> Character {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return letters[index % letters.count]
    }

    static func slot(_ index: Int) -> Slot { Slot.ringOwners[index % Slot.ringOwners.count] }
}
