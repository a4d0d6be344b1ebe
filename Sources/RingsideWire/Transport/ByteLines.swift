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

    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return prefix.withUTF8Buffer { bytes.prefix(count).elementsEqual($0) }
    }
}

/// Field names matched against raw bytes, so the fields a poll does not use (most of a memcached `stats` or a
/// Redis `INFO`) cost no String and no hashing.
public struct FieldNames: Sendable {
    private let byLength: [Int: [[UInt8]]]
    private let matchesDatabaseLines: Bool

    /// - Parameter databases: also match Redis keyspace lines (`db0`, `db1`, …).
    public init(_ names: [String], databases: Bool = false) {
        byLength = Dictionary(grouping: names.map { Array($0.utf8) }, by: \.count)
        matchesDatabaseLines = databases
    }

    func contains(_ name: ArraySlice<UInt8>) -> Bool {
        if byLength[name.count]?.contains(where: { $0.elementsEqual(name) }) == true { return true }
        return matchesDatabaseLines && name.count > 2 && ByteLines.hasPrefix(name, "db")
            && name.dropFirst(2).allSatisfy { (48...57).contains($0) }
    }
}
