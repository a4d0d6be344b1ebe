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

    /// The reply text without the prompt; an `[err]:` reply (with `set severity-output string`) or a permission
    /// refusal becomes a `WireError.serverError` quoting HAProxy.
    public static func text(of reply: [UInt8]) throws -> String {
        var text = String(decoding: reply.dropLast(prompt.count), as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        if text.hasPrefix("[err]: ") { throw WireError.serverError(String(text.dropFirst(7))) }
        if text.hasPrefix("Permission denied") || text.hasPrefix("Unknown command") {
            throw WireError.serverError(String(text.prefix(while: { $0 != "\n" })))
        }
        if text.hasPrefix("[info]: ") || text.hasPrefix("[notice]: ") || text.hasPrefix("[warning]: ") {
            return String(text.drop(while: { $0 != " " }).dropFirst())
        }
        return text
    }
}
