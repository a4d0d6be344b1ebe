/// RFC 4180 CSV lines as HAProxy writes them: fields quoted only when needed, `""` for a quote inside.
///
/// Works on bytes and finds field boundaries only; a field becomes a String when it is read, so the hundred-odd
/// columns of `show stat` that ringside does not use cost nothing.
public struct CSVRow {
    private let line: ArraySlice<UInt8>
    private var bounds: [Range<Int>] = []

    public init(_ line: ArraySlice<UInt8>) {
        self.line = line
        var start = line.startIndex, index = line.startIndex, quoted = false
        while index < line.endIndex {
            let byte = line[index]
            if byte == UInt8(ascii: "\"") && (quoted || index == start) {
                quoted.toggle()
            } else if byte == UInt8(ascii: ",") && !quoted {
                bounds.append(start..<index)
                start = index + 1
            }
            index += 1
        }
        bounds.append(start..<line.endIndex)
    }

    public var count: Int { bounds.count }

    /// Field `position` as text, unquoted; `nil` past the end of the row.
    public subscript(position: Int) -> String? {
        guard position < bounds.count else { return nil }
        let field = line[bounds[position]]
        guard field.first == UInt8(ascii: "\""), field.count >= 2, field.last == UInt8(ascii: "\"") else {
            return String(decoding: field, as: UTF8.self)
        }
        return String(decoding: field.dropFirst().dropLast(), as: UTF8.self).replacingOccurrences(of: "\"\"", with: "\"")
    }

    public var fields: [String] { (0..<count).map { self[$0] ?? "" } }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
