/// Ring hashing works on raw key bytes, as the balancers do: a Swift `String` is hashed as its UTF-8.
extension String {
    /// Calls `body` with the key's UTF-8 bytes without copying when the string is native.
    @inlinable
    public func withKeyBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        return try copy.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}

extension Array where Element == UInt8 {
    @inlinable
    public func withKeyBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}

extension UInt8 {
    /// The byte as C's signed `char` widened to 32 bits: twemproxy's fnv and one-at-a-time hashes read keys
    /// through `char`, which is signed on x86-64, so bytes ≥ 0x80 become 0xFFFFFFxx.
    @inlinable var signExtended32: UInt32 { UInt32(bitPattern: Int32(Int8(bitPattern: self))) }
    @inlinable var signExtended64: UInt64 { UInt64(bitPattern: Int64(Int8(bitPattern: self))) }
}
