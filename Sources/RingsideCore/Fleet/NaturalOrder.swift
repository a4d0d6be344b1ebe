/// Names in the order people expect: runs of digits compare as numbers, so mc-2 comes before mc-10.
public enum NaturalOrder {
    public static func less(_ a: String, _ b: String) -> Bool {
        var left = a.unicodeScalars.makeIterator(), right = b.unicodeScalars.makeIterator()
        var x = left.next(), y = right.next()
        while let l = x, let r = y {
            if l.properties.numericType == .decimal, r.properties.numericType == .decimal {
                var leftDigits = "", rightDigits = ""
                while let digit = x, digit.properties.numericType == .decimal { leftDigits.unicodeScalars.append(digit); x = left.next() }
                while let digit = y, digit.properties.numericType == .decimal { rightDigits.unicodeScalars.append(digit); y = right.next() }
                let l = leftDigits.drop { $0 == "0" }, r = rightDigits.drop { $0 == "0" }
                if l.count != r.count { return l.count < r.count }
                if l != r { return l < r }
                continue
            }
            if l != r { return l.value < r.value }
            x = left.next()
            y = right.next()
        }
        return x == nil && y != nil
    }
}
