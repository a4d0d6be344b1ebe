/// XXH64 (Yann Collet's xxHash, 64-bit): Envoy hashes ring points, Maglev host keys and request keys with it.
public enum XXHash64 {
    @usableFromInline static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inlinable
    static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        (accumulator &+ input &* p2).rotatedLeft(by: 31) &* p1
    }

    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        var offset = 0
        var h: UInt64
        func u64(_ at: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian }
        if count >= 32 {
            var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
            while count - offset >= 32 {
                v1 = round(v1, u64(offset))
                v2 = round(v2, u64(offset + 8))
                v3 = round(v3, u64(offset + 16))
                v4 = round(v4, u64(offset + 24))
                offset += 32
            }
            h = v1.rotatedLeft(by: 1) &+ v2.rotatedLeft(by: 7) &+ v3.rotatedLeft(by: 12) &+ v4.rotatedLeft(by: 18)
            for v in [v1, v2, v3, v4] { h = (h ^ round(0, v)) &* p1 &+ p4 }
        } else {
            h = seed &+ p5
        }
        h &+= UInt64(count)
        while count - offset >= 8 {
            h = (h ^ round(0, u64(offset))).rotatedLeft(by: 27) &* p1 &+ p4
            offset += 8
        }
        if count - offset >= 4 {
            let word = UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
            h = (h ^ word &* p1).rotatedLeft(by: 23) &* p2 &+ p3
            offset += 4
        }
        while offset < count {
            h = (h ^ UInt64(bytes[offset]) &* p5).rotatedLeft(by: 11) &* p1
            offset += 1
        }
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        h ^= h >> 32
        return h
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    @inlinable
    func rotatedLeft(by count: Self) -> Self {
        let shift = count % Self(Self.bitWidth)
        return shift == 0 ? self : (self << shift) | (self >> (Self(Self.bitWidth) - shift))
    }
}
