import RingsideCore

/// Why a request to an endpoint failed, in words an operator can act on.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    case connectionRefused
    /// The server (or something between) reset an open connection: typically a node killed mid-poll, or a
    /// request written to a connection the server had already closed.
    case connectionReset(receivedBytes: Int)
    case connectTimeout(Duration)
    /// Connected, but no whole reply within the deadline (a hung or overloaded server).
    case replyTimeout(Duration)
    /// The server closed the connection before a whole reply arrived.
    case closedMidReply(receivedBytes: Int)
    /// Bytes came, but never a whole reply of the protocol before the deadline: garbage, an endless stream, or
    /// another protocol's answer (memcached's `ERROR` to an HAProxy command). Quotes the first bytes seen.
    case incompleteReply(receivedBytes: Int, within: Duration, start: String)
    case replyTooLarge(limit: Int)
    /// The bytes are not this protocol.
    case malformedReply(String)
    /// The server understood and refused (error replies are quoted as sent).
    case serverError(String)
    case authenticationFailed(String)
    case connectionFailed(String)
    /// A change refused before a byte was written: read-only mode.
    case readOnly(ReadOnlyRefusal)
    /// A change handed to a read-only path (a caller's mistake, refused before a byte was written).
    case notARead(String)

    public var description: String {
        switch self {
        case .connectionRefused: "connection refused"
        case let .readOnly(refusal): refusal.description
        case let .notARead(line): "'\(line)' changes the server and was not sent: changes go through the write gate"
        case .connectionReset: "connection reset by the server"
        case let .connectTimeout(limit): "no connection within \(limit.formattedMilliseconds)"
        case let .replyTimeout(limit): "no reply within \(limit.formattedMilliseconds)"
        case let .closedMidReply(received):
            received == 0 ? "connection closed before any reply" : "connection closed mid-reply after \(received) bytes"
        case let .incompleteReply(received, limit, start):
            "no whole reply within \(limit.formattedMilliseconds): \(received) bytes came, starting '\(start)'"
        case let .replyTooLarge(limit): "reply larger than \(limit / 1_048_576) MiB; not read"
        case let .malformedReply(reason): "garbled reply: \(reason)"
        case let .serverError(text): "server answered: \(text)"
        case let .authenticationFailed(text): "authentication failed: \(text)"
        case let .connectionFailed(text): text
        }
    }

    /// The connection went away before any byte of the reply. On a connection kept from an earlier request this
    /// is the server having closed it while idle (the FIN seen, or the reset its kernel sends back for the
    /// request written after it), and the request can be sent again on a new connection.
    public var lostBeforeAnyReply: Bool {
        switch self {
        case .closedMidReply(receivedBytes: 0), .connectionReset(receivedBytes: 0): true
        default: false
        }
    }

    /// The endpoint could not be reached at all (as opposed to answering badly).
    public var isUnreachable: Bool {
        switch self {
        case .connectionRefused, .connectionReset, .connectTimeout, .replyTimeout, .closedMidReply, .connectionFailed: true
        case .incompleteReply, .replyTooLarge, .malformedReply, .serverError, .authenticationFailed, .readOnly, .notARead: false
        }
    }
}

extension WireError {
    /// The first bytes of a reply as an operator can read them: printable ASCII as is, the rest escaped.
    static func preview(_ bytes: some Collection<UInt8>, limit: Int = 40) -> String {
        var text = ""
        for byte in bytes.prefix(limit) {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x20...0x7E: text.append(Character(Unicode.Scalar(byte)))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return bytes.count > limit ? text + "…" : text
    }
}

extension Duration {
    var formattedMilliseconds: String { "\(Int((Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15).rounded())) ms" }
}
