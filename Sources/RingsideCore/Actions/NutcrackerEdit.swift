import Foundation

/// A server's weight changed in a nutcracker config, as text: only the weight field of that one server line
/// changes, so comments, order and layout stay as the operator wrote them. Pure.
public struct NutcrackerEdit: Sendable, Equatable, Codable {
    public var path: String
    public var pool: String
    public var server: String
    public var lineNumber: Int
    public var oldLine: String
    public var newLine: String
    public var oldWeight: Int
    public var newWeight: Int
    /// The server line is taken out (twemproxy has no drain, and rejects weight 0).
    public var removes = false
    /// The whole new config; not encoded (a nutcracker config may hold a `redis_auth` password).
    public var text: String = ""

    enum CodingKeys: String, CodingKey { case path, pool, server, lineNumber, oldLine, newLine, oldWeight, newWeight, removes }

    /// Takes `server`'s line out of `pool`: how a node leaves a twemproxy ring.
    public static func removingServer(in text: String, path: String, pool: String, server: String) throws(ActionError) -> NutcrackerEdit {
        var edit = try settingWeight(in: text, path: path, pool: pool, server: server, to: 1)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.remove(at: edit.lineNumber - 1)
        edit.text = lines.joined(separator: "\n")
        edit.newLine = ""
        edit.newWeight = 0
        edit.removes = true
        return edit
    }

    /// Sets `server`'s weight in `pool` (twemproxy rejects weight 0: taking a server out is removal).
    public static func settingWeight(in text: String, path: String, pool: String, server: String, to weight: Int) throws(ActionError) -> NutcrackerEdit {
        guard weight > 0 else { throw ActionError("twemproxy rejects weight 0; remove the server from the pool instead") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let poolLine = lines.firstIndex(where: { $0.hasPrefix("\(pool):") }) else {
            throw ActionError("\(path) has no pool '\(pool)'")
        }
        // The pool's block runs to the next line that starts in column 0 (another pool).
        let end = lines[(poolLine + 1)...].firstIndex { line in
            guard let first = line.first else { return false }
            return !first.isWhitespace && first != "#"
        } ?? lines.count
        guard let serversLine = lines[(poolLine + 1)..<end].firstIndex(where: { $0.trimmingLeadingSpaces.hasPrefix("servers:") }) else {
            throw ActionError("pool '\(pool)' in \(path) has no servers list")
        }
        for index in (serversLine + 1)..<end {
            let line = lines[index]
            let body = line.trimmingLeadingSpaces
            guard body.hasPrefix("-") else { continue }
            let indent = line.prefix(line.count - body.count)
            var item = body.dropFirst().trimmingLeadingSpaces
            var comment = ""
            if let hash = item.range(of: " #") {
                comment = String(item[hash.lowerBound...])
                item = String(item[..<hash.lowerBound])
            }
            let quote = item.first == "\"" || item.first == "'" ? String(item.first!) : ""
            if !quote.isEmpty { item = String(item.dropFirst().dropLast()) }
            let words = item.split(separator: " ", maxSplits: 1).map(String.init)
            var fields = words[0].split(separator: ":").map(String.init)
            guard fields.count >= 3, let port = Int(fields[fields.count - 2]), let old = Int(fields[fields.count - 1]) else { continue }
            let host = fields.dropLast(2).joined(separator: ":")
            // twemproxy's name for a server: its explicit name; else the host alone on 11211; else host:port.
            let name = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : port == 11211 ? host : "\(host):\(port)"
            guard name == server else { continue }
            fields[fields.count - 1] = "\(weight)"
            let newItem = ([fields.joined(separator: ":")] + words.dropFirst()).joined(separator: " ")
            let newLine = "\(indent)- \(quote)\(newItem)\(quote)\(comment)"
            let oldLine = line
            lines[index] = newLine
            return NutcrackerEdit(
                path: path, pool: pool, server: server, lineNumber: index + 1, oldLine: oldLine, newLine: newLine, oldWeight: old, newWeight: weight,
                text: lines.joined(separator: "\n"))
        }
        throw ActionError("pool '\(pool)' in \(path) has no server '\(server)'")
    }
}

extension StringProtocol {
    public var trimmingLeadingSpaces: String { String(drop { $0 == " " || $0 == "\t" }) }
}
