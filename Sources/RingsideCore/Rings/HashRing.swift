import Synchronization

/// One member as placed on a built ring.
public struct RingNode: Sendable, Equatable {
    public var name: String
    public var weight: Int
    /// The exact text (or id) the scheme hashes to place this member's points: `10.0.0.1` for a twemproxy
    /// server on port 11211, `id 3` for HAProxy. Shown so operators can see why two configs disagree.
    public var hashedAs: String
    /// Points (or Maglev slots) this member holds; 0 when out of service.
    public var points: Int
    public var inService: Bool
}

/// A ring built from a `RingDefinition`: answers which member owns a key, and exposes its exact partition
/// of the hash space for ownership and plans.
public struct HashRing: Sendable {
    public let definition: RingDefinition
    public let nodes: [RingNode]
    public let keyHasher: KeyHasher
    let layout: RingLayout
    /// The partition and ownership, computed on first use and kept: a screen redraws them every second, and a
    /// 160,000-point ring takes milliseconds to partition.
    let derived = DerivedRingFigures()

    public init(_ definition: RingDefinition) throws(RingError) {
        guard !definition.members.isEmpty else { throw RingError("ring '\(definition.name)' has no members") }
        var seen: Set<String> = []
        for member in definition.members {
            guard seen.insert(member.name).inserted else { throw RingError("ring '\(definition.name)': member '\(member.name)' appears twice") }
            guard member.weight >= 0 else { throw RingError("'\(member.name)': weight \(member.weight) is negative") }
        }
        self.definition = definition
        let built = try RingBuilder.build(definition)
        self.nodes = built.nodes
        self.layout = built.layout
        self.keyHasher = built.keyHasher
    }

    public var name: String { definition.name }
    public var scheme: RingScheme { definition.scheme }

    /// The key's position in the hash space (what the balancer computes before looking up its ring).
    @inlinable
    public func hash(ofKey key: String) -> UInt64 { key.withKeyBytes { keyHasher.hash($0) } }

    /// Index into `nodes` of the member that owns `key`, or `nil` when no member is in service.
    public func owner(ofKey key: String) -> Int? { key.withKeyBytes { owner(ofKeyBytes: $0) } }

    public func owner(ofKeyBytes key: UnsafeRawBufferPointer) -> Int? {
        if case .empty = layout { return nil }
        return owner(ofHash: keyHasher.hash(key))
    }

    /// The ring point a position resolves to (libketama's `mcs.point`), for point rings.
    public func point(forHash hash: UInt64) -> UInt64? {
        switch layout {
        case let .successor32(points):
            let index = points.lowerBound(UInt32(truncatingIfNeeded: hash))
            return UInt64(points.values[index == points.count ? 0 : index])
        case let .successor64(points):
            let index = points.lowerBound(hash)
            return points.values[index == points.count ? 0 : index]
        default: return nil
        }
    }

    /// The member owning a position in the hash space.
    public func owner(ofHash hash: UInt64) -> Int? {
        switch layout {
        case .empty: return nil
        case let .successor32(points): return Int(points.successorOwner(UInt32(truncatingIfNeeded: hash)))
        case let .closest32(points): return Int(points.closestOwner(UInt32(truncatingIfNeeded: hash)))
        case let .successor64(points): return Int(points.successorOwner(hash))
        case let .slots(table): return Int(table[Int(hash % UInt64(table.count))])
        case let .jump(members): return members[JumpHash.bucket(hash, buckets: members.count)]
        case let .hashSlots(table):
            let owner = table[Int(hash % UInt64(table.count))]
            return owner == RingPartition.unowned ? nil : Int(owner)
        }
    }
}

/// Figures derived from an immutable ring, filled in on first use (shared by copies of the ring).
final class DerivedRingFigures: Sendable {
    let partition = Mutex<RingPartition?>(nil)
    let ownership = Mutex<RingOwnership?>(nil)
}

/// The searchable structure behind a ring.
enum RingLayout: Sendable {
    /// No member in service: the balancer answers with an error.
    case empty
    case successor32(SortedPoints<UInt32>)
    case closest32(SortedPoints<UInt32>)
    case successor64(SortedPoints<UInt64>)
    /// Maglev: the owner of every slot; a key goes to `table[hash % size]`.
    case slots([UInt32])
    /// Jump buckets 0…n−1, mapped to member indices.
    case jump([Int])
    /// Redis Cluster: the master of each hash slot (`RingPartition.unowned` where no master serves it).
    case hashSlots([UInt32])
}
