#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Where memcached text-protocol replies end. Lines end in `\r\n`; `VALUE` data blocks are skipped by their
/// declared length, never searched, because a stored value may itself contain `END\r\n`.
public enum MemcachedFraming {
    private static let crlf: [UInt8] = [13, 10]
    private static let errorPrefixes = ["ERROR", "CLIENT_ERROR ", "SERVER_ERROR "]
    /// Line starts a listing reply may contain; anything else is not memcached talking.
    private static let listingPrefixes = ["STAT ", "END\r\n", "VALUE ", "ITEM ", "PREFIX "] + errorPrefixes

    /// A multi-line reply (`stats`, `get`, …): ends at `END\r\n` or at an error line.
    public static let listing = ReplyFraming.scanned(scanListing)
    /// A one-line reply (`STORED`, `DELETED`, `VERSION 1.6.18`, `HD`, …).
    public static let singleLine = ReplyFraming.scanned(scanSingleLine)

    public static func scanListing(_ bytes: [UInt8], resumeAt: Int) -> FrameScan {
        var lineStart = resumeAt
        while lineStart < bytes.count {
            guard let lineEnd = findCRLF(bytes, from: lineStart) else {
                return looksLikeListing(bytes[lineStart...]) ? .incomplete(resumeAt: lineStart) : .invalid(describe(bytes[lineStart...]))
            }
            let next = lineEnd + 2
            if isStatLine(bytes, at: lineStart, end: lineEnd) {
                lineStart = next
                continue
            }
            let line = bytes[lineStart..<lineEnd]
            if line.elementsEqual("END".utf8) { return .complete(length: next) }
            if errorPrefixes.contains(where: { line.starts(with: $0.utf8) }) { return .complete(length: next) }
            if line.starts(with: "VALUE ".utf8) {
                let fields = line.split(separator: 32)
                guard fields.count >= 4, let length = Int(String(decoding: fields[3], as: UTF8.self)), length >= 0 else {
                    return .invalid("bad VALUE line: \(describe(line))")
                }
                let blockEnd = next + length + 2
                guard blockEnd <= bytes.count else { return .incomplete(resumeAt: lineStart) }
                guard bytes[(blockEnd - 2)..<blockEnd].elementsEqual(crlf) else { return .invalid("VALUE data block not followed by CRLF") }
                lineStart = blockEnd
                continue
            }
            guard looksLikeListing(line + crlf) else { return .invalid(describe(line)) }
            lineStart = next
        }
        return .incomplete(resumeAt: lineStart)
    }

    public static func scanSingleLine(_ bytes: [UInt8], resumeAt: Int) -> FrameScan {
        guard let lineEnd = findCRLF(bytes, from: max(0, resumeAt - 1)) else {
            return bytes.count > 8192 ? .invalid("no line end in 8 KiB") : .incomplete(resumeAt: max(0, bytes.count - 1))
        }
        return .complete(length: lineEnd + 2)
    }

    /// `ERROR`, `CLIENT_ERROR …` or `SERVER_ERROR …`.
    static func isErrorLine(_ line: ArraySlice<UInt8>) -> Bool {
        errorPrefixes.contains { line.starts(with: $0.utf8) }
    }

    private static func findCRLF(_ bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var index = start
            while index + 1 < buffer.count, let found = memchr(base + index, 13, buffer.count - index - 1) {
                let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
                if buffer[position + 1] == 10 { return position }
                index = position + 1
            }
            return nil
        }
    }

    /// `STAT ` and something: most of a `stats` reply, so checked byte by byte before anything else. Shared by
    /// the framer (over the array) and the parser (over its buffer).
    static func isStatLine<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at start: Int, end: Int) -> Bool
    where Bytes.Index == Int {
        end - start > 5 && bytes[start] == 83 && bytes[start + 1] == 84 && bytes[start + 2] == 65 && bytes[start + 3] == 84
            && bytes[start + 4] == 32
    }

    /// Whether a (possibly partial) line can still become one a listing reply contains.
    private static func looksLikeListing(_ partial: ArraySlice<UInt8>) -> Bool {
        listingPrefixes.contains { prefix in
            let count = min(partial.count, prefix.utf8.count)
            return partial.prefix(count).elementsEqual(prefix.utf8.prefix(count))
        } && partial.count < 65536
    }

    static func describe(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(60), as: UTF8.self)
        let printable = String(text.unicodeScalars.map { $0.isASCII && $0.value >= 32 && $0.value < 127 ? Character($0) : "?" })
        return "unexpected \"\(printable)\(bytes.count > 60 ? "…" : "")\""
    }
}
