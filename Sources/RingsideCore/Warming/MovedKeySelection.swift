/// Which keys a ring-aware warm copies onto `target`: those the plan moves to it, each read from the node that
/// owns it before the change. A key found on a node that does not own it (stale from an older ring) is not
/// copied: it is not what clients read today.
///
/// Owners are computed with both rings' own lookup, which is by construction the plan's moved ranges (the
/// positions whose owner changes to the target) and also holds for schemes without ranges (Maglev, jump).
public struct MovedKeySelection: Sendable {
    public let plan: RingPlan
    public let target: String
    /// Members that lose keys to the target, in ring order: the nodes to read from.
    public let sources: [String]
    private let targetAfter: Int
    private let beforeIndex: [String: Int]

    public init(plan: RingPlan, target: String) throws(RingError) {
        guard let targetAfter = plan.after.nodes.firstIndex(where: { $0.name == target }) else {
            let names = plan.after.nodes.map(\.name).joined(separator: ", ")
            throw RingError("'\(target)' is not a member of ring '\(plan.after.name)' after the change (members: \(names))")
        }
        let losing = Set(plan.flows.filter { $0.to == target && $0.from != target && $0.fraction > 0 }.map(\.from))
        self.plan = plan
        self.target = target
        self.targetAfter = targetAfter
        self.sources = plan.before.nodes.map(\.name).filter { losing.contains($0) }
        self.beforeIndex = Dictionary(uniqueKeysWithValues: plan.before.nodes.enumerated().map { ($1.name, $0) })
    }

    /// The fraction of the key space moving onto the target.
    public var movedFraction: Double { plan.flows.filter { $0.to == target }.reduce(0) { $0 + $1.fraction } }

    /// Whether `key`, found on `source`, moves to the target: `source` owns it now and the target will.
    public func selects(_ key: [UInt8], foundOn source: String) -> Bool {
        guard let sourceIndex = beforeIndex[source] else { return false }
        return key.withUnsafeBytes { bytes in
            plan.before.owner(ofKeyBytes: bytes) == sourceIndex && plan.after.owner(ofKeyBytes: bytes) == targetAfter
        }
    }
}
