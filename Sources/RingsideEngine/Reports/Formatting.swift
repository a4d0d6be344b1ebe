import Foundation

/// How numbers read on every screen and report: "—" for an absent value, never 0.
public enum Format {
    public static let none = "—"

    /// "87.3%". Numbers are formatted by hand: `String(format:)` was a large part of composing a frame.
    public static func percent(_ fraction: Double?) -> String {
        fraction.map { oneDecimal($0 * 100) + "%" } ?? none
    }

    /// `fraction` as a percentage that never reads the same as `limit` when they differ: 79.96% stays "79.96%"
    /// beside a limit of 80.0%, where one decimal would print "80.0% below 80.0%".
    public static func percent(_ fraction: Double, against limit: Double) -> String {
        var digits = 1
        while digits < 4, fraction != limit, String(format: "%.\(digits)f", fraction * 100) == String(format: "%.\(digits)f", limit * 100) {
            digits += 1
        }
        return String(format: "%.\(digits)f", fraction * 100) + "%"
    }

    /// A memory limit: its size, "no limit" when the server has none, "—" when unknown.
    public static func memoryLimit(_ bytes: UInt64?, unlimited: Bool?) -> String {
        bytes.map { Format.bytes($0) } ?? (unlimited == true ? "no limit" : none)
    }

    /// "45%": for narrow cells next to a bar.
    public static func wholePercent(_ fraction: Double?) -> String {
        fraction.map { "\(Int(($0 * 100).rounded()))%" } ?? none
    }

    public static func rate(_ value: Double?) -> String {
        guard let value else { return none }
        if value >= 100_000 { return "\(Int((value / 1000).rounded()))k" }
        return value >= 100 ? "\(Int(value.rounded()))" : oneDecimal(value)
    }

    /// `value` with one decimal, rounded half away from zero ("2.0", "-0.5").
    static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite else { return none }
        let tenths = Int((abs(value) * 10).rounded())
        return (value < 0 && tenths > 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
    }

    public static func bytes(_ value: UInt64?) -> String {
        guard let value else { return none }
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value), unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : String(format: amount >= 100 ? "%.0f %@" : "%.1f %@", amount, units[unit])
    }

    public static func milliseconds(_ value: Double?) -> String {
        guard let value else { return none }
        return value >= 10 ? "\(Int(value.rounded()))ms" : oneDecimal(value) + "ms"
    }

    public static func count(_ value: UInt64?) -> String { value.map(String.init) ?? none }
    public static func count(_ value: Int?) -> String { value.map(String.init) ?? none }
}

/// Plain-text tables: columns padded to their widest cell, two spaces apart, trailing blanks trimmed.
public struct TextTable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(_ header: [String]) {
        self.header = header
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func rendered(indent: String = "") -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            let line = indent + cells.joined(separator: "  ")
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }.joined(separator: "\n")
    }
}
