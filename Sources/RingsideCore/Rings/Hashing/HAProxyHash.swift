/// HAProxy's hash functions (`src/hash.c`) and its 32-bit avalanche (`full_hash`, `include/haproxy/intops.h`).
public enum HAProxyHashFunction: String, Sendable, CaseIterable, Codable {
    case sdbm, djb2, wt6, crc32

    @inlinable
    public func hash(_ key: UnsafeRawBufferPointer) -> UInt32 {
        switch self {
        case .sdbm:
            var hash: UInt32 = 0
            for byte in key { hash = UInt32(byte) &+ (hash << 6) &+ (hash << 16) &- hash }
            return hash
        case .djb2:
            var hash: UInt32 = 5381
            for byte in key { hash = (hash << 5) &+ hash &+ UInt32(byte) }
            return hash
        case .wt6: return Self.wt6(key)
        case .crc32: return CRC32.checksum(key)
        }
    }

    @usableFromInline
    static func wt6(_ key: UnsafeRawBufferPointer) -> UInt32 {
        var h0: UInt32 = 0xa53c_965a, h1: UInt32 = 0x5ca6_953a
        var step0: UInt32 = 6, step1: UInt32 = 18
        for byte in key {
            let t = UInt32(byte)
            h0 = ~(h0 ^ t)
            h1 = ~(h1 &+ t)
            let rotated = h1.rotatedLeft(by: step0)
            h1 = h0.rotatedLeft(by: step1)
            h0 = rotated
            let mix = ((h0 >> 16) ^ h1) & 0xffff
            step0 = mix & 0x1f
            step1 = mix >> 11
        }
        return h0 ^ h1
    }
}

/// Bob Jenkins' 32-bit integer mix followed by × 3221225473: HAProxy places ring points with it and, with
/// `avalanche`, scrambles key hashes with it.
public enum HAProxyAvalanche {
    @inlinable
    public static func fullHash(_ input: UInt32) -> UInt32 {
        var a = input
        a = (a &+ 0x7ed5_5d16) &+ (a << 12)
        a = (a ^ 0xc761_c23c) ^ (a >> 19)
        a = (a &+ 0x1656_67b1) &+ (a << 5)
        a = (a &+ 0xd3a2_646c) ^ (a << 9)
        a = (a &+ 0xfd70_46c5) &+ (a << 3)
        a = (a ^ 0xb55a_4f09) ^ (a >> 16)
        return a &* 3_221_225_473
    }
}

/// The key hash of a `hash-type consistent [function] [avalanche]` backend.
public struct HAProxyHashType: Sendable, Equatable, Codable, CustomStringConvertible {
    public var function: HAProxyHashFunction
    public var avalanche: Bool

    public init(function: HAProxyHashFunction, avalanche: Bool) {
        self.function = function
        self.avalanche = avalanche
    }

    /// `hash-type consistent` with no function: sdbm, then the avalanche. Naming a function turns the avalanche
    /// off unless `avalanche` is written too.
    public static let `default` = HAProxyHashType(function: .sdbm, avalanche: true)

    /// Parses the words after `hash-type`: `consistent`, `consistent sdbm`, `consistent djb2 avalanche`, …
    /// (the leading `consistent` is optional here).
    public static func parse(_ text: String) -> Result<HAProxyHashType, RingError> {
        var words = text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        if words.first == "consistent" { words.removeFirst() }
        if words.first == "map-based" {
            return .failure(RingError("hash-type map-based is not consistent hashing; ringside models hash-type consistent only"))
        }
        guard let first = words.first else { return .success(.default) }
        guard let function = HAProxyHashFunction(rawValue: first) else {
            return .failure(RingError("unknown HAProxy hash function '\(first)' (sdbm, djb2, wt6 or crc32)"))
        }
        switch Array(words.dropFirst()) {
        case []: return .success(HAProxyHashType(function: function, avalanche: false))
        case ["avalanche"]: return .success(HAProxyHashType(function: function, avalanche: true))
        case let rest: return .failure(RingError("unexpected '\(rest.joined(separator: " "))' after the hash function (only 'avalanche')"))
        }
    }

    public var description: String { "consistent \(function.rawValue)\(avalanche ? " avalanche" : "")" }

    @inlinable
    public func hash(_ key: UnsafeRawBufferPointer) -> UInt32 {
        let raw = function.hash(key)
        return avalanche ? HAProxyAvalanche.fullHash(raw) : raw
    }
}
