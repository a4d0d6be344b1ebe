/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), with the running state exposed because nginx chains
/// its ring points through an unfinished CRC.
public struct CRC32: Sendable {
    @usableFromInline var running: UInt32 = 0xFFFF_FFFF

    /// The unfinished CRC (before the final inversion).
    public var state: UInt32 { running }

    public init() {}

    @inlinable
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = running
        for byte in bytes { crc = CRC32.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        running = crc
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    public var finalized: UInt32 { running ^ 0xFFFF_FFFF }

    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.finalized
    }

    @usableFromInline
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }
}
