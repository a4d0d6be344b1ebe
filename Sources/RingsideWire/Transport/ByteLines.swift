#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Text protocols parsed as bytes. Splitting a `String` by `Character` runs Unicode grapheme breaking on
/// every byte, which cost more than the whole network round trip when polling a thousand nodes.
enum ByteLines {
    /// Calls `body` with each line of `bytes` (split on `\n`, a trailing `\r` removed), empty lines included.
    static func forEach(_ bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) throws -> Void) rethrows {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.endIndex
            var line = bytes[start..<end]
            if line.last == 13 { line = line.dropLast() }
            try body(line)
            start = end + 1
        }
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// An unsigned decimal number, or nil for anything else (empty, a sign, a fraction, an overflow).
    static func decimal(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(byte - 48))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }

    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return prefix.withUTF8Buffer { bytes.prefix(count).elementsEqual($0) }
    }
}

/// Field names matched against raw bytes, so the fields a poll does not use (most of a memcached `stats` or a
/// Redis `INFO`) cost no String and no hashing.
public struct FieldNames: Sendable {
    private let names: [[UInt8]]
    /// Positions in `names` of the names of each length.
    private let positionsByLength: [[Int]]
    private let matchesDatabaseLines: Bool

    /// - Parameter databases: also match Redis keyspace lines (`db0`, `db1`, …).
    public init(_ names: [String], databases: Bool = false) {
        self.names = names.map { Array($0.utf8) }
        var positions = Array(repeating: [Int](), count: (self.names.map(\.count).max() ?? 0) + 1)
        for (position, name) in self.names.enumerated() { positions[name.count].append(position) }
        positionsByLength = positions
        matchesDatabaseLines = databases
    }

    /// The position of `name` in the list given at creation, if it is one of them.
    func index(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard name.count < positionsByLength.count, let base = name.baseAddress else { return nil }
        return positionsByLength[name.count].first { position in
            names[position].withUnsafeBufferPointer { $0[0] == base[0] && memcmp($0.baseAddress!, base, name.count) == 0 }
        }
    }

    func contains(_ name: ArraySlice<UInt8>) -> Bool {
        if name.withUnsafeBufferPointer({ index(of: $0) }) != nil { return true }
        return matchesDatabaseLines && name.count > 2 && ByteLines.hasPrefix(name, "db")
            && name.dropFirst(2).allSatisfy { (48...57).contains($0) }
    }
}
