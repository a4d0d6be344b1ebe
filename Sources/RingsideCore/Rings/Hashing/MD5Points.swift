import Crypto

/// MD5 as the ketama family uses it: one digest of a point string gives four ring points, and a key's hash is
/// the first of those four.
public enum MD5Points {
    /// The four little-endian `UInt32`s of the MD5 digest of `bytes` (libketama `ketama_md5_digest` + points).
    @inlinable
    public static func points(_ bytes: UnsafeRawBufferPointer) -> (UInt32, UInt32, UInt32, UInt32) {
        return digest(bytes).withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian,
             raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian,
             raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian,
             raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
        }
    }

    @inlinable
    static func digest(_ bytes: UnsafeRawBufferPointer) -> Insecure.MD5Digest {
        var md5 = Insecure.MD5()
        md5.update(bufferPointer: bytes)
        return md5.finalize()
    }

    /// twemproxy `hash_md5`, libketama `ketama_hashi`: the little-endian `UInt32` of digest bytes 0–3.
    @inlinable
    public static func keyHash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        digest(bytes).withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian }
    }
}
