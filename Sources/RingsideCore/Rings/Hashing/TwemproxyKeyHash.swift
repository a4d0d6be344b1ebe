/// The key hashes twemproxy 0.5.0 offers (`hash:` in a nutcracker pool), bit for bit as `src/hashkit` computes
/// them on x86-64, including its quirks: `fnv1a_64` is really a 32-bit hash with the 64-bit constants truncated,
/// the fnv and one-at-a-time hashes read bytes as signed `char`, and `crc32` is libmemcached's 15-bit variant.
public enum TwemproxyKeyHash: String, Sendable, CaseIterable, Codable {
    case md5
    case fnv1a_64
    case fnv1a_32
    case fnv1_64
    case fnv1_32
    case crc32
    case crc32a
    case one_at_a_time
    case murmur

    /// twemproxy's default (`src/nc_conf.h`).
    public static let `default` = TwemproxyKeyHash.fnv1a_64

    /// `crc32` returns 15 bits, so with ketama every key lands on the first point (twitter/twemproxy#175).
    public var isDegenerateWithKetama: Bool { self == .crc32 }

    @inlinable
    public func hash(_ key: UnsafeRawBufferPointer) -> UInt32 {
        switch self {
        case .md5: return MD5Points.keyHash(key)
        case .fnv1a_64:
            var hash: UInt32 = 0x8422_2325
            for byte in key { hash = (hash ^ byte.signExtended32) &* 0x1b3 }
            return hash
        case .fnv1a_32:
            var hash: UInt32 = 2_166_136_261
            for byte in key { hash = (hash ^ byte.signExtended32) &* 16_777_619 }
            return hash
        case .fnv1_64:
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in key { hash = (hash &* 0x100_0000_01b3) ^ byte.signExtended64 }
            return UInt32(truncatingIfNeeded: hash)
        case .fnv1_32:
            var hash: UInt32 = 2_166_136_261
            for byte in key { hash = (hash &* 16_777_619) ^ byte.signExtended32 }
            return hash
        case .crc32: return (~CRC32.checksum(key) >> 16) & 0x7fff
        case .crc32a: return CRC32.checksum(key)
        case .one_at_a_time:
            var value: UInt32 = 0
            for byte in key {
                value &+= byte.signExtended32
                value &+= value << 10
                value ^= value >> 6
            }
            value &+= value << 3
            value ^= value >> 11
            value &+= value << 15
            return value
        case .murmur: return Self.murmur(key)
        }
    }

    /// MurmurHash2 with twemproxy's seed `0xdeadbeef × length` (`src/hashkit/nc_murmur.c`).
    @usableFromInline
    static func murmur(_ key: UnsafeRawBufferPointer) -> UInt32 {
        let m: UInt32 = 0x5bd1_e995
        let length = UInt32(truncatingIfNeeded: key.count)
        var h = (0xdead_beef &* length) ^ length
        var offset = 0
        while key.count - offset >= 4 {
            var k = key.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
            k = k &* m
            k ^= k >> 24
            k = k &* m
            h = (h &* m) ^ k
            offset += 4
        }
        let tail = key.count - offset
        if tail == 3 { h ^= UInt32(key[offset + 2]) << 16 }
        if tail >= 2 { h ^= UInt32(key[offset + 1]) << 8 }
        if tail >= 1 { h = (h ^ UInt32(key[offset])) &* m }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }
}
