import RingsideCore

/// Simulated nodes and the ring that routes keys to them: twemproxy's ketama with fnv1a_64 over the nodes'
/// names, exactly as a nutcracker pool with named servers routes, so the ring screen shows where keys really go.
struct RoutedPool: Sendable {
    static let scheme = RingScheme.twemproxyKetama(hash: .fnv1a_64, hashTag: nil)

    let nodes: [SimulatedNode]
    let ring: HashRing

    init(_ nodes: [SimulatedNode]) {
        self.nodes = nodes
        do {
            ring = try HashRing(RingDefinition(name: "demo", scheme: Self.scheme, members: nodes.map { RingMember(name: $0.name) }))
        } catch {
            preconditionFailure("demo node names are distinct and non-empty: \(error)")
        }
    }

    func node(for key: String) -> SimulatedNode { nodes[ring.owner(ofKey: key) ?? 0] }
}
