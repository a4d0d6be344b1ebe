/// HAProxy Runtime API replies in prompt mode: each ends with `\n> `. Never framed by a blank line, since some
/// replies have none (`Server deleted.`).
public enum HAProxyFraming {
    private static let prompt: [UInt8] = Array("\n> ".utf8)

    public static let prompted = ReplyFraming.scanned(scanPrompted)

    public static func scanPrompted(_ bytes: [UInt8], resumeAt: Int) -> FrameScan {
        var index = max(0, resumeAt)
        while index + prompt.count <= bytes.count {
            if bytes[index] == 10 && bytes[index + 1] == prompt[1] && bytes[index + 2] == prompt[2] {
                return .complete(length: index + prompt.count)
            }
            index += 1
        }
        return .incomplete(resumeAt: max(0, bytes.count - prompt.count + 1))
    }

    /// The reply without the prompt and trailing newlines; an `[err]:` reply (with `set severity-output string`)
    /// or a permission refusal becomes a `WireError.serverError` quoting HAProxy.
    public static func body(of reply: [UInt8]) throws -> ArraySlice<UInt8> {
        var body = reply.dropLast(prompt.count)
        while body.last == 10 { body = body.dropLast() }
        if ByteLines.hasPrefix(body, "[err]: ") { throw WireError.serverError(ByteLines.string(body.dropFirst(7))) }
        if ByteLines.hasPrefix(body, "Permission denied") || ByteLines.hasPrefix(body, "Unknown command") {
            throw WireError.serverError(ByteLines.string(body.prefix(while: { $0 != 10 })))
        }
        for prefix: StaticString in ["[info]: ", "[notice]: ", "[warning]: "] where ByteLines.hasPrefix(body, prefix) {
            return body.dropFirst(prefix.utf8CodeUnitCount)
        }
        return body
    }

    /// `body(of:)` as text.
    public static func text(of reply: [UInt8]) throws -> String { ByteLines.string(try body(of: reply)) }
}
