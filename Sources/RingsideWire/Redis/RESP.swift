/// A RESP2 or RESP3 value. RESP3-only shapes are folded into the nearest RESP2 one (sets and pushes into
/// arrays, verbatim strings into bulk strings, doubles and big numbers into simple strings).
public indirect enum RESPValue: Sendable, Equatable {
    case simple(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case array([RESPValue])
    case map([RESPPair])
    case boolean(Bool)
    case null

    /// The value as text, for bulk, verbatim and simple strings.
    public var text: String? {
        switch self {
        case let .simple(text): text
        case let .bulk(bytes): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }
}

public struct RESPPair: Sendable, Equatable {
    public var key: RESPValue
    public var value: RESPValue
}

/// RESP encoding and decoding, as pure functions over bytes.
public enum RESP {
    /// The largest string or collection a reply may declare: the reply limit (`WireLimits.maxReplyBytes`' default).
    public static let maxDeclaredLength: Int64 = 16 << 20
    public static let framing = ReplyFraming.scanned { bytes, _ in frame(bytes, at: 0) }

    /// Where the reply starting at `start` ends (its length from `start`): for framing a stream of replies.
    public static func frame(_ bytes: [UInt8], at start: Int) -> FrameScan {
        switch decode(bytes, at: start) {
        case let .value(_, length): .complete(length: length)
        case .incomplete: .incomplete(resumeAt: start)
        case let .invalid(reason): .invalid(reason)
        }
    }

    /// A command as a RESP array of bulk strings (the only form servers must accept).
    public static func command(_ arguments: [String]) -> [UInt8] {
        var out: [UInt8] = []
        append(arguments.map { Array($0.utf8) }, to: &out)
        return out
    }

    /// Appends a command of binary-safe arguments (keys with any bytes, `DUMP` payloads) to `out`.
    public static func append(_ arguments: [[UInt8]], to out: inout [UInt8]) {
        out += Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            out += Array("$\(argument.count)\r\n".utf8)
            out += argument
            out += [13, 10]
        }
    }

    public enum Decoded: Equatable {
        case value(RESPValue, length: Int)
        case incomplete
        case invalid(String)
    }

    /// Decodes the first value in `bytes` from `start` (its length counted from there). Bulk payloads are taken
    /// by their declared length, never searched.
    public static func decode(_ bytes: [UInt8], at start: Int = 0) -> Decoded {
        var reader = Reader(bytes: bytes, position: start)
        do {
            let value = try reader.value(depth: 0)
            return .value(value, length: reader.position - start)
        } catch Reader.Failure.incomplete {
            return .incomplete
        } catch let Reader.Failure.invalid(reason) {
            return .invalid(reason)
        } catch {
            return .invalid("\(error)")
        }
    }

    private struct Reader {
        enum Failure: Error { case incomplete, invalid(String) }

        /// A collection's declared count, checked before its elements are read (they are never reserved up front:
        /// `*99999999999` would ask for terabytes). Each element takes at least 3 bytes of the reply limit.
        func checkCount(_ count: Int64) throws {
            guard count <= RESP.maxDeclaredLength / 3 else {
                throw Failure.invalid("declares \(count) elements, over what fits the \(RESP.maxDeclaredLength >> 20) MiB reply limit")
            }
        }
        static let maxDepth = 32

        let bytes: [UInt8]
        var position: Int

        mutating func value(depth: Int) throws -> RESPValue {
            guard depth < Self.maxDepth else { throw Failure.invalid("nesting deeper than \(Self.maxDepth)") }
            guard position < bytes.count else { throw Failure.incomplete }
            let type = bytes[position]
            position += 1
            let line = try self.line()
            switch type {
            case UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "("): return .simple(line)
            case UInt8(ascii: "-"): return .error(line)
            case UInt8(ascii: ":"): return .integer(try integer(line))
            case UInt8(ascii: "_"): return .null
            case UInt8(ascii: "#"): return .boolean(line == "t")
            case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
                let length = try integer(line)
                if length < 0 { return .null }
                // A declared length past the reply limit is the peer's mistake (or not Redis): say so now instead
                // of waiting out the deadline for bytes that will never be accepted.
                guard length <= RESP.maxDeclaredLength else {
                    throw Failure.invalid("declares a \(length)-byte string, over the \(RESP.maxDeclaredLength >> 20) MiB reply limit")
                }
                let payload = try take(Int(length))
                if type == UInt8(ascii: "!") { return .error(String(decoding: payload, as: UTF8.self)) }
                // Verbatim strings start with a 3-letter format and a colon ("txt:").
                return .bulk(type == UInt8(ascii: "=") && payload.count >= 4 ? Array(payload.dropFirst(4)) : payload)
            case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
                let count = try integer(line)
                if count < 0 { return .null }
                try checkCount(count)
                var elements: [RESPValue] = []
                for _ in 0..<count { elements.append(try value(depth: depth + 1)) }
                return .array(elements)
            case UInt8(ascii: "%"), UInt8(ascii: "|"):
                let count = try integer(line)
                try checkCount(count)
                var pairs: [RESPPair] = []
                for _ in 0..<max(count, 0) { pairs.append(RESPPair(key: try value(depth: depth + 1), value: try value(depth: depth + 1))) }
                // An attribute map annotates the value that follows it; ringside keeps the value.
                return type == UInt8(ascii: "|") ? try value(depth: depth) : .map(pairs)
            default:
                throw Failure.invalid("unknown RESP type byte 0x\(String(type, radix: 16)) (not a Redis server?)")
            }
        }

        mutating func line() throws -> String {
            var index = position
            while index + 1 < bytes.count {
                if bytes[index] == 13 && bytes[index + 1] == 10 {
                    let text = String(decoding: bytes[position..<index], as: UTF8.self)
                    position = index + 2
                    return text
                }
                index += 1
            }
            if bytes.count - position > 65536 { throw Failure.invalid("header line longer than 64 KiB") }
            throw Failure.incomplete
        }

        mutating func take(_ count: Int) throws -> [UInt8] {
            guard position + count + 2 <= bytes.count else { throw Failure.incomplete }
            let payload = Array(bytes[position..<(position + count)])
            guard bytes[position + count] == 13, bytes[position + count + 1] == 10 else {
                throw Failure.invalid("bulk string not followed by CRLF")
            }
            position += count + 2
            return payload
        }

        func integer(_ line: String) throws -> Int64 {
            guard let value = Int64(line) else { throw Failure.invalid("expected an integer, got '\(line.prefix(40))'") }
            return value
        }
    }
}
