import Foundation
import RingsideCore

/// The `ringside ring show --json` document (schema `ringside.ring/1`). Fields are added, never renamed.
public struct RingReport: Codable, Sendable, Equatable {
    public static let schemaName = "ringside.ring/1"

    public var schema = RingReport.schemaName
    public var ring: String
    public var scheme: String
    public var description: String
    @Nullable public var source: String?
    /// Bits of the hash space (32 or 64).
    public var hashBits: Int
    /// False for jump hash, whose shares are expectations.
    public var exact: Bool
    public var maxOverMean: Double
    public var coefficientOfVariation: Double
    public var nodes: [Node]
    public var warnings: [String]
    /// What `nodes[].loadShare` measures (`sess/s`, `ops/s`); null without `--load`.
    @Nullable public var loadUnit: String?

    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        public var hashedAs: String
        public var weight: Int
        public var points: Int
        public var inService: Bool
        @Nullable public var outOfServiceReason: String?
        public var share: Double
        public var ideal: Double
        /// share / ideal − 1; null out of service.
        @Nullable public var deviation: Double?
        /// Keys the node holds, where the source reports it (Redis Cluster masters).
        @Nullable public var keys: Int?
        /// The node's share of the observed load (`--load`), and whether that exceeds its ring share by the
        /// fleet's hot-spot factor.
        @Nullable public var loadShare: Double?
        @Nullable public var hotSpot: Bool?
    }

    /// `observed` adds each node's load share and hot-spot flag (from two polls of the fleet).
    public init(_ ring: HashRing, source: String? = nil, observed: (loads: [NodeLoad], unit: String)? = nil) {
        let ownership = ring.ownership
        self.ring = ring.name
        scheme = ring.scheme.kind
        description = ring.scheme.summary
        self.source = source
        hashBits = ring.scheme.hashBits
        exact = ownership.exact
        maxOverMean = ownership.maxOverMean
        coefficientOfVariation = ownership.coefficientOfVariation
        nodes = zip(ring.nodes, ownership.nodes).enumerated().map { index, pair in
            Node(
                name: pair.0.name, hashedAs: pair.0.hashedAs, weight: pair.0.weight, points: pair.0.points, inService: pair.0.inService,
                outOfServiceReason: ring.definition.members[index].outOfServiceReason, share: pair.1.share, ideal: pair.1.ideal,
                deviation: pair.1.deviation, keys: ring.definition.members[index].keys,
                loadShare: observed?.loads[index].loadShare, hotSpot: observed?.loads[index].isHotSpot)
        }
        loadUnit = observed?.unit
        warnings = RingWarnings.of(ring, ownership)
    }
}

/// What an operator should know about a ring before trusting it.
public enum RingWarnings {
    public static func of(_ ring: HashRing, _ ownership: RingOwnership) -> [String] {
        var warnings: [String] = []
        if case let .twemproxyKetama(hash, _) = ring.scheme, hash.isDegenerateWithKetama {
            warnings.append("hash crc32 returns 15 bits: with ketama every key lands on the first point, so one node owns everything (use crc32a)")
        }
        for node in ring.nodes where node.inService && node.points == 0 {
            warnings.append("\(node.name) is in service but has no points: its weight is too small relative to the others")
        }
        if !ring.nodes.contains(where: \.inService) { warnings.append("no member is in service: the balancer has nowhere to send keys") }
        if case .haproxyConsistent = ring.scheme, ownership.coefficientOfVariation > 0.15 {
            warnings.append("HAProxy places only 16 points per weight unit, so shares vary by about 17%; raising every weight ×k smooths it (≈1/√(16k))")
        }
        return warnings
    }
}

/// `ringside ring owner --json` (schema `ringside.ring-owner/1`).
public struct RingOwnerReport: Codable, Sendable, Equatable {
    public static let schemaName = "ringside.ring-owner/1"
    public var schema = RingOwnerReport.schemaName
    public var ring: String
    public var keys: [Entry]

    public struct Entry: Codable, Sendable, Equatable {
        public var key: String
        /// The position the key hashes to (after any hash tag).
        public var hash: UInt64
        /// null when no member is in service.
        @Nullable public var node: String?
    }

    public init(_ ring: HashRing, keys: [String]) {
        self.ring = ring.name
        self.keys = keys.map { key in
            Entry(key: key, hash: ring.hash(ofKey: key), node: ring.owner(ofKey: key).map { ring.nodes[$0].name })
        }
    }
}

/// `ringside ring plan --json` (schema `ringside.ring-plan/1`).
public struct RingPlanReport: Codable, Sendable, Equatable {
    public static let schemaName = "ringside.ring-plan/1"
    public var schema = RingPlanReport.schemaName
    public var ring: String
    public var changes: [String]
    /// Fraction of the hash space whose owner changes.
    public var movedFraction: Double
    /// Of that, the part moving between nodes no change named.
    public var untouchedFraction: Double
    public var exact: Bool
    /// Contiguous hash ranges that change owner (the keys to warm first).
    public var movedRanges: Int
    public var nodes: [Node]
    public var flows: [Flow]
    public var notes: [String]
    public var warnings: [String]

    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        @Nullable public var pointsBefore: Int?
        @Nullable public var pointsAfter: Int?
        public var shareBefore: Double
        public var shareAfter: Double
        @Nullable public var weightBefore: Int?
        @Nullable public var weightAfter: Int?
    }

    public struct Flow: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var fraction: Double
        public var betweenUntouchedNodes: Bool
    }

    public init(_ plan: RingPlan) {
        ring = plan.before.name
        changes = plan.changes.map(\.description)
        movedFraction = plan.movedFraction
        untouchedFraction = plan.untouchedFraction
        exact = plan.exact
        movedRanges = plan.movedRanges.count
        let before = plan.before.ownership.nodes, after = plan.after.ownership.nodes
        let oldByName = Dictionary(before.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newByName = Dictionary(after.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        nodes = plan.nodeNames.map { name in
            let old = oldByName[name], new = newByName[name]
            return Node(
                name: name, pointsBefore: old?.points, pointsAfter: new?.points, shareBefore: old?.share ?? 0, shareAfter: new?.share ?? 0,
                weightBefore: old?.weight, weightAfter: new?.weight)
        }
        flows = plan.flows.map { Flow(from: $0.from, to: $0.to, fraction: $0.fraction, betweenUntouchedNodes: $0.betweenUntouchedNodes) }
        notes = plan.notes
        warnings = RingWarnings.of(plan.after, plan.after.ownership)
    }
}

extension Encodable {
    /// Pretty, key-sorted JSON as every `--json` output is written.
    public func reportJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}
