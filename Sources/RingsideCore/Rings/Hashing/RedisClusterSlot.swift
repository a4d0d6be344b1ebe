/// Redis Cluster's key slot: CRC16 (XMODEM: polynomial 0x1021, initial 0) of the key, or of its hash tag (the
/// text between the first `{` and the first `}` after it, when not empty), modulo 16384 (cluster spec, `keyHashSlot`).
public enum RedisClusterSlot {
    public static let count = 16384

    @inlinable
    public static func slot(_ key: UnsafeRawBufferPointer) -> Int {
        Int(crc16(KeyHasher.HashTag.braces.apply(key)) & 0x3FFF)
    }

    public static func crc16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes { crc = (crc << 8) ^ table[Int(UInt8(crc >> 8) ^ byte)] }
        return crc
    }

    @usableFromInline
    static let table: [UInt16] = (0..<256).map { index in
        var value = UInt16(index) << 8
        for _ in 0..<8 { value = value & 0x8000 != 0 ? (value << 1) ^ 0x1021 : value << 1 }
        return value
    }
}

extension KeyHasher.HashTag {
    /// `{…}`, the tag Redis Cluster always uses.
    public static let braces = KeyHasher.HashTag("{}")!
}
