/// A change an operator stages against a ring. Applying it to a server is the actions layer's job; here it
/// only produces the definition the balancer would then have.
public enum RingChange: Sendable, Equatable, CustomStringConvertible {
    case setWeight(node: String, weight: Int)
    /// More or fewer points for a node, rounded to what the scheme can express (HAProxy: 16 per weight unit).
    case virtualNodes(node: String, delta: Int)
    case add(RingMember)
    case remove(node: String)
    /// Take a node out of hashing while it stays configured (HAProxy DRAIN, nginx `down`, twemproxy ejection).
    case drain(node: String)

    public var node: String {
        switch self {
        case let .setWeight(node, _), let .virtualNodes(node, _), let .remove(node), let .drain(node): node
        case let .add(member): member.name
        }
    }

    public var description: String {
        switch self {
        case let .setWeight(node, weight): "weight \(node)=\(weight)"
        case let .virtualNodes(node, delta): "vnodes \(node)=\(delta >= 0 ? "+" : "")\(delta)"
        case let .add(member): "add \(member.name)=\(member.address ?? "?"):\(member.weight)"
        case let .remove(node): "remove \(node)"
        case let .drain(node): "drain \(node)"
        }
    }

    /// Parses the command line's `NAME=ADDR[:W]` for `--add`.
    public static func parseAdd(_ text: String) -> Result<RingChange, RingError> {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            return .failure(RingError("--add takes NAME=HOST:PORT[:WEIGHT] (got '\(text)')"))
        }
        let name = String(text[..<equals])
        let fields = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3, Int(fields[1]) != nil, !fields[0].isEmpty else {
            return .failure(RingError("--add \(name): give HOST:PORT[:WEIGHT] (got '\(text[text.index(after: equals)...])')"))
        }
        var weight = 1
        if fields.count == 3 {
            guard let parsed = Int(fields[2]), parsed > 0 else { return .failure(RingError("--add \(name): weight must be a whole number above 0")) }
            weight = parsed
        }
        return .success(.add(RingMember(name: name, address: "\(fields[0]):\(fields[1])", weight: weight)))
    }
}

extension RingDefinition {
    /// The definition after `changes`, in order, plus notes on how each was interpreted for this scheme.
    public func applying(_ changes: [RingChange], current: HashRing) throws(RingError) -> (RingDefinition, notes: [String]) {
        var next = self
        var notes: [String] = []
        for change in changes {
            if case let .add(member) = change {
                guard next.memberIndex(named: member.name) == nil else { throw RingError("'\(member.name)' is already in ring '\(name)'") }
                var member = member
                if case .haproxyConsistent = scheme, member.id == nil {
                    // Always give an explicit id: HAProxy 2.6 places id-less dynamic servers at puid 0 (haproxy#3413).
                    member.id = ((try? HAProxyRing.serverIDs(next.members)) ?? []).max().map { $0 + 1 } ?? 1
                    notes.append("\(member.name) gets server id \(member.id!) (ringside sends `add server … id \(member.id!)`)")
                }
                next.members.append(member)
                continue
            }
            guard let index = next.memberIndex(named: change.node) else {
                let known = next.members.map(\.name).joined(separator: ", ")
                throw RingError("no member '\(change.node)' in ring '\(name)' (members: \(known))")
            }
            switch change {
            case let .setWeight(_, weight):
                guard weight >= 0 else { throw RingError("weight for '\(change.node)' must be 0 or more") }
                next.members[index].weight = weight
            case let .virtualNodes(node, delta):
                let (weight, note) = try weightFor(virtualNodes: delta, member: next.members[index], current: current, node: node)
                next.members[index].weight = weight
                notes.append(note)
            case .remove:
                next.members.remove(at: index)
            case .drain:
                next.members[index].inService = false
                next.members[index].outOfServiceReason = "drain"
                if case .twemproxyKetama = scheme {
                    notes.append("twemproxy has no drain: \(change.node) is modelled as ejected (auto_eject_hosts), which re-sizes every node")
                }
            case .add: break
            }
        }
        return (next, notes)
    }

    /// Virtual nodes are points; every scheme but jump ties them to weight, so round to whole weight steps.
    private func weightFor(virtualNodes delta: Int, member: RingMember, current: HashRing, node: String) throws(RingError) -> (Int, String) {
        let perWeight: Double
        switch scheme {
        case .haproxyConsistent: perWeight = Double(HAProxyRing.pointsPerWeight)
        case .nginxConsistent: perWeight = Double(NginxRing.pointsPerWeight)
        case .jump: throw RingError("jump hash has no virtual nodes; add members instead")
        default:
            let points = current.nodes.first { $0.name == node }?.points ?? 0
            guard points > 0, member.weight > 0 else { throw RingError("'\(node)' has no points now; set its weight instead") }
            perWeight = Double(points) / Double(member.weight)
        }
        var steps = Int((Double(delta) / perWeight).rounded())
        if steps == 0 && delta != 0 { steps = delta > 0 ? 1 : -1 }
        let weight = max(0, member.weight + steps)
        let note = "\(delta >= 0 ? "+" : "")\(delta) virtual nodes on \(node): \(scheme.kind) places about \(Int(perWeight.rounded())) points per weight unit, so weight \(member.weight) → \(weight)"
        return (weight, note)
    }
}
