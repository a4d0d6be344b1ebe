/// A node's share of the observed load beside its share of the ring.
public struct NodeLoad: Sendable, Equatable {
    /// Fraction of the load across the ring's nodes; `nil` when the load is unknown.
    public var loadShare: Double?
    /// The node takes more load than its share of the ring by the hot-spot factor: likely hot keys.
    public var isHotSpot: Bool

    public init(loadShare: Double?, isHotSpot: Bool) {
        self.loadShare = loadShare
        self.isHotSpot = isHotSpot
    }
}

public enum RingLoad {
    /// `loads` holds one rate per ring node (requests/s, operations/s), `nil` where unknown. Load shares are taken
    /// over the nodes with a known load; a node is a hot spot when its load share exceeds its ring share × `factor`.
    public static func compare(_ ownership: RingOwnership, loads: [Double?], hotSpotFactor factor: Double) -> [NodeLoad] {
        let total = loads.compactMap { $0 }.reduce(0, +)
        return ownership.nodes.indices.map { index in
            guard total > 0, index < loads.count, let load = loads[index] else { return NodeLoad(loadShare: nil, isHotSpot: false) }
            let share = load / total
            let node = ownership.nodes[index]
            return NodeLoad(loadShare: share, isHotSpot: node.inService && share > node.share * factor)
        }
    }
}
