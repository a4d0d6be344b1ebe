/// How a scheme turns a key into a position: the balancer's key hash, after twemproxy's `hash_tag` if any.
public enum KeyHasher: Sendable, Equatable {
    case twemproxy(TwemproxyKeyHash, hashTag: HashTag?)
    case md5
    case haproxy(HAProxyHashType)
    case crc32
    case xxHash64
    case fnv1a64
    case redisClusterSlot

    /// twemproxy's `hash_tag: "{}"`: hash only the text between the first `{` and the first `}` after it,
    /// when that text is non-empty (`src/nc_server.c` `server_pool_idx`).
    public struct HashTag: Sendable, Equatable {
        public let open: UInt8
        public let close: UInt8

        public init?(_ text: String) {
            let bytes = Array(text.utf8)
            guard bytes.count == 2 else { return nil }
            open = bytes[0]
            close = bytes[1]
        }

        @inlinable
        public func apply(_ key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            guard let start = key.firstIndex(of: open),
                  let end = key[(start + 1)...].firstIndex(of: close), end > start + 1
            else { return key }
            return UnsafeRawBufferPointer(rebasing: key[(start + 1)..<end])
        }
    }

    @inlinable
    public func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        switch self {
        case let .twemproxy(function, tag):
            let hashed = tag?.apply(key) ?? key
            // An empty key hashes to 0 in twemproxy, whatever the function.
            return hashed.isEmpty ? 0 : UInt64(function.hash(hashed))
        case .md5: return UInt64(MD5Points.keyHash(key))
        case let .haproxy(type): return UInt64(type.hash(key))
        case .crc32: return UInt64(CRC32.checksum(key))
        case .xxHash64: return XXHash64.hash(key)
        case .fnv1a64: return FNV1a.hash64(key)
        case .redisClusterSlot: return UInt64(RedisClusterSlot.slot(key))
        }
    }
}
