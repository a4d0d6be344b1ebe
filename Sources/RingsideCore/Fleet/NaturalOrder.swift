/// Names in the order people expect: runs of digits compare as numbers, so mc-2 comes before mc-10.
///
/// Over UTF-8 bytes (their order is the order of the scalars) with ASCII digits: a frame of a thousand-node
/// fleet sorts by name every redraw.
public enum NaturalOrder {
    public static func less(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { left in b.withUTF8 { right in less(left, right) } }
    }

    static func less(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var i = 0, j = 0
        while i < left.count, j < right.count {
            if isDigit(left[i]), isDigit(right[j]) {
                // Skip leading zeros, then the longer run of digits is the larger number.
                while i < left.count - 1, left[i] == 0x30, isDigit(left[i + 1]) { i += 1 }
                while j < right.count - 1, right[j] == 0x30, isDigit(right[j + 1]) { j += 1 }
                var endI = i, endJ = j
                while endI < left.count, isDigit(left[endI]) { endI += 1 }
                while endJ < right.count, isDigit(right[endJ]) { endJ += 1 }
                if endI - i != endJ - j { return endI - i < endJ - j }
                while i < endI {
                    if left[i] != right[j] { return left[i] < right[j] }
                    i += 1
                    j += 1
                }
                continue
            }
            if left[i] != right[j] { return left[i] < right[j] }
            i += 1
            j += 1
        }
        return i == left.count && j < right.count
    }
}
