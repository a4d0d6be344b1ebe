import Foundation

/// A key list (a hot-key list, say) as `ringside warm --keys` and the console's `:warm` read it.
public enum WarmKeyList {
    /// One key per line (CR LF or LF), empty lines skipped; keys are bytes, not text.
    public static func parse(_ data: Data) -> [[UInt8]] {
        data.split(separator: 10).map { line in Array(line.last == 13 ? line.dropLast() : line) }.filter { !$0.isEmpty }
    }
}
