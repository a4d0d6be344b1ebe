/// A member of a ring as its balancer names it.
public struct RingMember: Sendable, Equatable, Codable {
    /// The name the balancer uses: an HAProxy server name, a twemproxy server's name or `host:port`.
    public var name: String
    /// `host:port` as written in the balancer's config (nginx and libketama hash it exactly as written).
    public var address: String?
    public var weight: Int
    /// HAProxy's server id (`puid`): its ring points are keyed by it, never by name or address.
    public var id: Int?
    /// Envoy's `hash_key` (metadata `envoy.lb`) when set; otherwise the address is hashed.
    public var hashKey: String?
    /// `false` when the balancer currently routes nothing here by hash (drained, maintenance, down, ejected).
    public var inService: Bool
    /// Why the member is out of service, in the balancer's words.
    public var outOfServiceReason: String?
    /// Redis Cluster only: the hash slots this master serves (placement is explicit there, not hashed).
    public var slots: [ClosedRange<Int>]
    /// Keys the member holds, when the source reports it (Redis Cluster masters' `DBSIZE`); not part of placement.
    public var keys: Int?

    public init(
        name: String, address: String? = nil, weight: Int = 1, id: Int? = nil, hashKey: String? = nil,
        inService: Bool = true, outOfServiceReason: String? = nil, slots: [ClosedRange<Int>] = [], keys: Int? = nil
    ) {
        self.name = name
        self.address = address
        self.weight = weight
        self.id = id
        self.hashKey = hashKey
        self.inService = inService
        self.outOfServiceReason = outOfServiceReason
        self.slots = slots
        self.keys = keys
    }
}

/// How a balancer places members and keys on its ring. Every case reproduces one real implementation.
public enum RingScheme: Sendable, Equatable {
    /// twemproxy/nutcracker 0.5.0 `distribution: ketama` with its `hash:` and optional two-character `hash_tag`.
    case twemproxyKetama(hash: TwemproxyKeyHash, hashTag: String?)
    /// libmemcached's weighted ketama in ketama-compatible mode (MD5 key hash), as php-memcached uses it.
    case libmemcachedKetama
    /// RJ's libketama: the weight is the server's memory; point strings carry the address exactly as written.
    case libketama
    /// HAProxy 2.6 `hash-type consistent`: 16 points per weight unit keyed by server id, closest-point lookup.
    case haproxyConsistent(HAProxyHashType)
    /// nginx `hash $key consistent`: 160 CRC-32 points per weight unit, keyed by the `server` string.
    case nginxConsistent
    /// Envoy `RING_HASH` with xxHash64.
    case envoyRingHash(minimumRingSize: Int, maximumRingSize: Int)
    /// Envoy `MAGLEV`; the table size must be prime.
    case envoyMaglev(tableSize: Int)
    /// Jump consistent hash over the members in order, keys hashed with 64-bit FNV-1a.
    case jump
    /// Redis Cluster: 16,384 hash slots assigned explicitly to masters (`CLUSTER SLOTS`), key → CRC16 slot.
    case redisCluster

    public static let envoyRingHashDefault = RingScheme.envoyRingHash(minimumRingSize: 1024, maximumRingSize: 8_388_608)
    public static let envoyMaglevDefault = RingScheme.envoyMaglev(tableSize: 65537)

    /// Short name as the fleet file and `--json` spell it.
    public var kind: String {
        switch self {
        case .twemproxyKetama: "twemproxy"
        case .libmemcachedKetama: "libmemcached"
        case .libketama: "libketama"
        case .haproxyConsistent: "haproxy"
        case .nginxConsistent: "nginx"
        case .envoyRingHash: "envoy-ring"
        case .envoyMaglev: "envoy-maglev"
        case .jump: "jump"
        case .redisCluster: "redis-cluster"
        }
    }

    /// Human description including the key hash, e.g. `twemproxy ketama, hash fnv1a_64`.
    public var summary: String {
        switch self {
        case let .twemproxyKetama(hash, tag): "twemproxy ketama, hash \(hash.rawValue)\(tag.map { ", hash_tag \"\($0)\"" } ?? "")"
        case .libmemcachedKetama: "libmemcached weighted ketama, hash md5"
        case .libketama: "libketama, hash md5"
        case let .haproxyConsistent(type): "HAProxy hash-type \(type)"
        case .nginxConsistent: "nginx hash consistent, crc32"
        case let .envoyRingHash(minimum, maximum): "Envoy ring hash, xxHash64, ring size \(minimum)…\(maximum)"
        case let .envoyMaglev(size): "Envoy Maglev, xxHash64, table \(size)"
        case .jump: "jump consistent hash, fnv1a 64-bit"
        case .redisCluster: "Redis Cluster, 16384 slots, crc16"
        }
    }

    /// Bits of the hash space keys land in.
    public var hashBits: Int {
        switch self {
        case .envoyRingHash, .envoyMaglev, .jump: 64
        case .redisCluster: 14
        default: 32
        }
    }
}

/// A ring to build: its scheme and members in the balancer's order (the order decides ties and HAProxy ids).
public struct RingDefinition: Sendable, Equatable {
    public var name: String
    public var scheme: RingScheme
    public var members: [RingMember]

    public init(name: String, scheme: RingScheme, members: [RingMember]) {
        self.name = name
        self.scheme = scheme
        self.members = members
    }

    public func memberIndex(named name: String) -> Int? { members.firstIndex { $0.name == name } }
}
