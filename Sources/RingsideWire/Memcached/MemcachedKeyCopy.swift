import Foundation
import RingsideCore

/// The commands that copy memcached items between nodes, as pure request builders and reply readers over bytes:
/// `lru_crawler metadump all` to list keys, meta get (`mg`) to read value, flags and remaining TTL, and meta set
/// (`ms`) in add mode to write without overwriting. Keys are bytes: metadump URI-encodes them.
public enum MemcachedKeyCopy {
    /// Lists every item; it must be the only command on its connection (memcached refuses to pipeline around it).
    public static let metadumpRequest = Array("lru_crawler metadump all\r\n".utf8)

    /// One line of a metadump, or its end.
    public enum DumpLine: Sendable, Equatable {
        /// `exp`: -1 for no expiry, else an absolute unix time.
        case item(key: [UInt8], expiresAt: Int64, size: Int?)
        case end
        /// `BUSY currently processing crawler request`: another crawl runs; try again later.
        case busy(String)
    }

    /// Reads one metadump line (without its line ending): `key=<uri-encoded> exp=… la=… … size=…`. Bytes, not
    /// text: a listing is millions of these lines, and going through `String` cost more than the copy itself.
    public static func dumpLine(_ line: ArraySlice<UInt8>) throws(WireError) -> DumpLine {
        let isSpace = { (byte: UInt8) in byte == 32 || byte == 9 || byte == 13 || byte == 10 }
        guard let first = line.firstIndex(where: { !isSpace($0) }), let last = line.lastIndex(where: { !isSpace($0) }) else {
            throw .malformedReply("an empty metadump line")
        }
        let trimmed = line[first...last]
        if trimmed.elementsEqual("END".utf8) { return .end }
        if trimmed.starts(with: "BUSY".utf8) { return .busy(String(decoding: trimmed, as: UTF8.self)) }
        if trimmed.starts(with: "ERROR".utf8) || trimmed.starts(with: "CLIENT_ERROR".utf8) || trimmed.starts(with: "SERVER_ERROR".utf8) {
            throw .serverError(String(decoding: trimmed, as: UTF8.self))
        }
        var key: [UInt8]?, expiresAt: Int64?, size: Int?
        for field in trimmed.split(separator: 32) {
            guard let equals = field.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = field[..<equals], value = field[(equals + 1)...]
            if name.elementsEqual("key".utf8) {
                key = percentDecoded(value)
            } else if name.elementsEqual("exp".utf8) {
                expiresAt = integer(value)
            } else if name.elementsEqual("size".utf8) {
                size = integer(value).map(Int.init)
            }
        }
        guard let key, !key.isEmpty, let expiresAt else { throw .malformedReply("metadump line without key= and exp=: \(WireError.preview(Array(line)))") }
        return .item(key: key, expiresAt: expiresAt, size: size)
    }

    /// A decimal, optionally negative (`exp=-1`); `nil` for anything else.
    private static func integer(_ digits: ArraySlice<UInt8>) -> Int64? {
        let negative = digits.first == UInt8(ascii: "-")
        let body = negative ? digits.dropFirst() : digits[...]
        guard !body.isEmpty, body.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in body {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// `%C3%A9` → the bytes C3 A9; anything else as it is.
    static func percentDecoded(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let bytes = Array(text)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The longest key memcached accepts, raw or base64-encoded on the command line.
    public static let maxKeyToken = 250

    /// The key as the meta commands take it: raw when it has no space or control byte, else base64 with the `b`
    /// flag. `nil` when even that is longer than memcached's 250-byte token (such a key cannot be addressed).
    public static func keyToken(_ key: [UInt8]) -> (token: [UInt8], base64: Bool)? {
        if key.count <= maxKeyToken, key.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) { return (key, false) }
        let encoded = Array(Data(key).base64EncodedString().utf8)
        return encoded.count <= maxKeyToken ? (encoded, true) : nil
    }

    /// `mg <key> f t v` (with `b` for a base64 key): value, client flags and remaining TTL.
    public static func get(_ token: (token: [UInt8], base64: Bool), into out: inout [UInt8]) {
        out += Array("mg ".utf8)
        out += token.token
        out += Array((token.base64 ? " b f t v\r\n" : " f t v\r\n").utf8)
    }

    /// One item as meta get returned it.
    public struct Item: Sendable, Equatable {
        public var flags: UInt32
        /// Seconds left, `nil` for no expiry (`t-1`).
        public var remainingTTL: Int64?
        public var value: [UInt8]

        public init(flags: UInt32, remainingTTL: Int64?, value: [UInt8]) {
            self.flags = flags
            self.remainingTTL = remainingTTL
            self.value = value
        }
    }

    /// `VA <len> f<flags> t<ttl>` and its data block → the item; `EN` → `nil` (gone since it was listed).
    public static func getReply(_ reply: [UInt8]) throws(WireError) -> Item? {
        guard let lineEnd = crlf(in: reply, from: 0) else { throw .malformedReply("meta get reply without a line end") }
        let header = String(decoding: reply[..<lineEnd], as: UTF8.self)
        if header == "EN" { return nil }
        let words = header.split(separator: " ")
        guard words.first == "VA", words.count >= 2, let length = Int(words[1]) else {
            if header.hasPrefix("CLIENT_ERROR") || header.hasPrefix("SERVER_ERROR") || header == "ERROR" { throw .serverError(header) }
            throw .malformedReply("meta get answered '\(WireError.preview(Array(reply.prefix(80))))'")
        }
        var flags: UInt32 = 0, ttl: Int64?
        for word in words.dropFirst(2) {
            switch word.first {
            case "f": flags = UInt32(word.dropFirst()) ?? 0
            case "t": ttl = Int64(word.dropFirst()).flatMap { $0 < 0 ? nil : $0 }
            default: break
            }
        }
        let start = lineEnd + 2
        guard reply.count == start + length + 2 else { throw .malformedReply("meta get value of \(length) bytes arrived as \(reply.count - start - 2)") }
        return Item(flags: flags, remainingTTL: ttl, value: Array(reply[start..<(start + length)]))
    }

    /// `ms <key> <len> F<flags> T<ttl> ME` and the data: stored only when the key is absent (add mode), so a
    /// newer value already on the target stays. `ttl` is what memcached takes: 0 for none, seconds up to 30
    /// days, else an absolute unix time.
    public static func add(_ token: (token: [UInt8], base64: Bool), flags: UInt32, ttl: Int64, value: [UInt8], into out: inout [UInt8]) {
        out += Array("ms ".utf8)
        out += token.token
        out += Array(" \(value.count)\(token.base64 ? " b" : "") F\(flags) T\(ttl) ME\r\n".utf8)
        out += value
        out += [13, 10]
    }

    public enum AddOutcome: Sendable, Equatable {
        case stored
        /// `NS`: the target already holds the key (a newer value than the copy).
        case alreadyPresent
        /// `SERVER_ERROR object too large for cache`, `SERVER_ERROR out of memory storing object`, …
        case refused(String)
    }

    public static func addReply(_ reply: [UInt8]) throws(WireError) -> AddOutcome {
        let line = String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch line {
        case "HD": return .stored
        case "NS": return .alreadyPresent
        default:
            if line.hasPrefix("SERVER_ERROR") || line.hasPrefix("CLIENT_ERROR") { return .refused(line) }
            throw .malformedReply("meta set answered '\(line)'")
        }
    }

    /// Frames the replies of a stream of meta commands: one line (`HD`, `NS`, `EN`, errors), or `VA <len> …`
    /// with its data block, taken by its declared length so CR LF and `END` inside values are data.
    public static func frame(_ bytes: [UInt8], at start: Int) -> FrameScan {
        guard let lineEnd = crlf(in: bytes, from: start) else {
            return bytes.count - start > 4096 ? .invalid("a reply line longer than 4 KiB") : .incomplete(resumeAt: start)
        }
        guard bytes.count - start >= 3, bytes[start] == UInt8(ascii: "V"), bytes[start + 1] == UInt8(ascii: "A"), bytes[start + 2] == 0x20 else {
            return .complete(length: lineEnd + 2 - start)
        }
        var length = 0, index = start + 3, digits = 0
        while index < lineEnd, let digit = bytes[index].asciiDigit {
            length = length * 10 + digit
            digits += 1
            index += 1
            if digits > 10 { return .invalid("a value length of more than 10 digits") }
        }
        guard digits > 0 else { return .invalid("VA without a length") }
        let end = lineEnd + 2 + length + 2
        guard bytes.count >= end else { return .incomplete(resumeAt: start) }
        guard bytes[end - 2] == 13, bytes[end - 1] == 10 else { return .invalid("a value not followed by CR LF") }
        return .complete(length: end - start)
    }

    private static func crlf(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}

extension UInt8 {
    fileprivate var asciiDigit: Int? { (0x30...0x39).contains(self) ? Int(self - 0x30) : nil }
}

/// A connection to one memcached node for copying items: meta get and meta set pipelined, the sets (the only
/// write) behind the write gate. Listing keys needs a connection of its own (`listKeys`).
public final class MemcachedKeyCopyConnection: Sendable {
    private let connection: PipelinedConnection

    private init(_ connection: PipelinedConnection) {
        self.connection = connection
    }

    public static func connect(host: String, port: Int, limits: WireLimits) async throws -> MemcachedKeyCopyConnection {
        MemcachedKeyCopyConnection(try await PipelinedConnection.connect(host: host, port: port, limits: limits, framer: MemcachedKeyCopy.frame))
    }

    /// Value, flags and TTL of each key (`nil`: gone). Keys must have a token (`MemcachedKeyCopy.keyToken`).
    public func get(_ tokens: [(token: [UInt8], base64: Bool)]) async throws -> [MemcachedKeyCopy.Item?] {
        var request: [UInt8] = []
        for token in tokens { MemcachedKeyCopy.get(token, into: &request) }
        return try await connection.send(request, replies: tokens.count).map { try MemcachedKeyCopy.getReply($0) }
    }

    public struct Add: Sendable {
        public var token: (token: [UInt8], base64: Bool)
        public var flags: UInt32
        /// As memcached takes it: 0 none, ≤ 30 days relative, else absolute unix time.
        public var ttl: Int64
        public var value: [UInt8]

        public init(token: (token: [UInt8], base64: Bool), flags: UInt32, ttl: Int64, value: [UInt8]) {
            self.token = token
            self.flags = flags
            self.ttl = ttl
            self.value = value
        }
    }

    /// `ms … ME` for each item: stored only where the key is absent. Refused, unsent, when the gate is closed.
    public func add(_ items: [Add], gate: WriteGate) async throws -> [MemcachedKeyCopy.AddOutcome] {
        do { try gate.permit("ms (add) \(items.count) keys") } catch { throw WireError.readOnly(error) }
        var request: [UInt8] = []
        for item in items { MemcachedKeyCopy.add(item.token, flags: item.flags, ttl: item.ttl, value: item.value, into: &request) }
        return try await connection.send(request, replies: items.count).map { try MemcachedKeyCopy.addReply($0) }
    }

    /// Whether each key is present (`mg <key>` with no flags: `HD` or `EN`): re-reading the target after a copy.
    public func contains(_ tokens: [(token: [UInt8], base64: Bool)]) async throws -> [Bool] {
        var request: [UInt8] = []
        for token in tokens {
            request += Array("mg ".utf8) + token.token + Array((token.base64 ? " b\r\n" : "\r\n").utf8)
        }
        return try await connection.send(request, replies: tokens.count).map { reply throws(WireError) in
            switch String(decoding: reply, as: UTF8.self) {
            case "HD\r\n": true
            case "EN\r\n": false
            case let other: throw .malformedReply("meta get answered '\(other.trimmingCharacters(in: .whitespacesAndNewlines))'")
            }
        }
    }

    public func close() async { await connection.close() }

    /// Streams every key of the node (`lru_crawler metadump all`) to `body` a read at a time, until `body`
    /// returns `false` or the dump ends. A crawler busy with another crawl is asked again with a back-off
    /// (`busyRetries` times, from `busyBackoff`, doubling).
    public static func listKeys(
        host: String, port: Int, limits: WireLimits, busyRetries: Int = 6, busyBackoff: Duration = .milliseconds(100),
        _ body: ([MemcachedKeyCopy.DumpLine]) async throws -> Bool
    ) async throws {
        var backoff = busyBackoff
        for attempt in 0...busyRetries {
            var busy: String?, ended = false
            try await LineStream.read(host: host, port: port, limits: limits, request: MemcachedKeyCopy.metadumpRequest) { lines in
                var items: [MemcachedKeyCopy.DumpLine] = []
                items.reserveCapacity(lines.count)
                for line in lines {
                    switch try MemcachedKeyCopy.dumpLine(line[...]) {
                    case let .busy(text):
                        busy = text
                        return false
                    case .end:
                        ended = true
                    case let item:
                        items.append(item)
                    }
                }
                let more = items.isEmpty ? true : try await body(items)
                return more && !ended
            }
            guard let busy else {
                if !ended && !Task.isCancelled { throw WireError.closedMidReply(receivedBytes: 0) }
                return
            }
            if attempt == busyRetries { throw WireError.serverError("\(busy) (asked \(busyRetries + 1) times)") }
            try await Task.sleep(for: backoff)
            backoff *= 2
        }
    }
}
