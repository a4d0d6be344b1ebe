import Foundation
import Yams

/// A member's weight changed in a client-side ring of the fleet file, as text: Yams finds the member and the
/// place of its weight, and only that value changes (or a `weight:` is added), so comments and layout stay. Pure.
public struct FleetFileEdit: Sendable, Equatable, Codable {
    public var path: String
    public var ring: String
    public var member: String
    public var lineNumber: Int
    public var oldLine: String
    /// The changed line; a block-style member without a weight gets a second, added line.
    public var newLine: String
    public var oldWeight: Int
    public var newWeight: Int
    /// The whole new file; not encoded (the fleet file names secrets' sources, and is long).
    public var text: String = ""

    enum CodingKeys: String, CodingKey { case path, ring, member, lineNumber, oldLine, newLine, oldWeight, newWeight }

    public static func settingMemberWeight(in text: String, path: String, ring: String, member: String, to weight: Int) throws(ActionError) -> FleetFileEdit {
        guard weight >= 0 else { throw ActionError("a weight is 0 or more") }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ActionError("\(path): \(error)")
        }
        guard case let .mapping(top)? = root, case let .sequence(rings)? = top["rings"] else { throw ActionError("\(path) has no rings:") }
        guard case let .mapping(ringMapping)? = rings.first(where: { $0.mapping?["name"]?.string == ring }) else {
            throw ActionError("\(path) declares no ring '\(ring)'")
        }
        guard case let .sequence(members)? = ringMapping["members"] else { throw ActionError("ring '\(ring)' in \(path) has no members: list") }
        guard case let .mapping(entry)? = members.first(where: { ($0.mapping?["name"] ?? $0.mapping?["node"])?.string == member }),
              let entryMark = Node.mapping(entry).mark
        else { throw ActionError("ring '\(ring)' in \(path) has no member '\(member)'") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let oldWeight = entry["weight"]?.int ?? 1
        if let value = entry["weight"], let mark = value.mark, let written = value.string {
            // Replace the value where it stands.
            var line = Array(lines[mark.line - 1].unicodeScalars)
            let start = mark.column - 1
            guard start + written.unicodeScalars.count <= line.count else { throw ActionError("\(path):\(mark.line): cannot find the weight") }
            line.replaceSubrange(start..<(start + written.unicodeScalars.count), with: "\(weight)".unicodeScalars)
            let oldLine = lines[mark.line - 1]
            lines[mark.line - 1] = String(String.UnicodeScalarView(line))
            return try checked(FleetFileEdit(
                path: path, ring: ring, member: member, lineNumber: mark.line, oldLine: oldLine, newLine: lines[mark.line - 1], oldWeight: oldWeight,
                newWeight: weight, text: lines.joined(separator: "\n")))
        }
        let index = entryMark.line - 1
        let oldLine = lines[index]
        // A flow mapping starts at its brace (Yams' composed nodes do not keep the style).
        let scalars = Array(oldLine.unicodeScalars)
        let flow = scalars.indices.contains(entryMark.column - 1) && scalars[entryMark.column - 1] == "{"
        if flow {
            // `{ node: mc-1 }` → `{ node: mc-1, weight: 3 }`: before the entry's closing brace on its line.
            // The brace that closes this entry (several may share the line: `[{ node: a }, { node: b }]`).
            var depth = 0, close: Int?
            for position in (entryMark.column - 1)..<scalars.count {
                if scalars[position] == "{" { depth += 1 }
                if scalars[position] == "}" {
                    depth -= 1
                    if depth == 0 {
                        close = position
                        break
                    }
                }
            }
            guard let close else { throw ActionError("\(path):\(entryMark.line): a flow mapping split over lines; add weight: by hand") }
            var body = Array(scalars[..<close])
            while body.last == " " { body.removeLast() }
            lines[index] = String(String.UnicodeScalarView(body)) + ", weight: \(weight) " + String(String.UnicodeScalarView(scalars[close...]))
        } else {
            // A block mapping: a `weight:` line under its first key, at that key's indentation.
            let indent = String(repeating: " ", count: entryMark.column - 1)
            lines.insert("\(indent)weight: \(weight)", at: index + 1)
        }
        return try checked(FleetFileEdit(
            path: path, ring: ring, member: member, lineNumber: entryMark.line, oldLine: oldLine,
            newLine: flow ? lines[index] : "\(oldLine)\n\(lines[index + 1])", oldWeight: oldWeight, newWeight: weight,
            text: lines.joined(separator: "\n")))
    }

    /// The new file must read as a fleet file with the member at the new weight, or nothing is written.
    private static func checked(_ edit: FleetFileEdit) throws(ActionError) -> FleetFileEdit {
        let declared = (try? FleetFile.parse(edit.text, file: edit.path))?.rings.first { $0.name == edit.ring }
        guard case let .members(_, members)? = declared?.source, members.first(where: { $0.name == edit.member })?.weight == edit.newWeight else {
            throw ActionError("\(edit.path):\(edit.lineNumber): ringside could not place the weight of \(edit.member) safely; change it by hand")
        }
        return edit
    }
}
