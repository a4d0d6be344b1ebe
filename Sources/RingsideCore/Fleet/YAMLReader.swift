import Yams

/// Reads a YAML document node by node, turning every wrong shape or value into a `ConfigError` that names
/// the file and the line. Shared by the fleet file, nutcracker configs and (later) themes.
public struct YAMLReader {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    /// The document's root node; an empty document or a syntax error is a `ConfigError`.
    public func root(of text: String) throws -> Node {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, message: "the file is empty")
            }
            return node
        } catch let error as YamlError {
            throw configError(from: error)
        }
    }

    public func error(at node: Node, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, message: message)
    }

    public func mapping(_ node: Node, _ what: String) throws -> Node.Mapping {
        guard case let .mapping(mapping) = node else { throw error(at: node, "\(what) must be a mapping of keys to values") }
        return mapping
    }

    public func sequence(_ node: Node, _ what: String) throws -> [Node] {
        guard case let .sequence(sequence) = node else { throw error(at: node, "\(what) must be a list") }
        return Array(sequence)
    }

    public func string(_ node: Node, _ what: String) throws -> String {
        guard case let .scalar(scalar) = node, !scalar.string.isEmpty else {
            throw error(at: node, "\(what) must be a non-empty text value")
        }
        return scalar.string
    }

    public func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(try string(node, what)), range.contains(value) else {
            throw error(at: node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    public func bool(_ node: Node, _ what: String) throws -> Bool {
        switch try string(node, what).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(at: node, "\(what) must be true or false")
        }
    }

    /// A duration written as `250ms`, `1s`, `1.5s` or `2m`.
    public func duration(_ node: Node, _ what: String) throws -> Duration {
        let text = try string(node, what)
        guard let duration = DurationText.parse(text), duration > .zero else {
            throw error(at: node, "\(what) must be a positive duration such as 500ms, 1s or 2m (got '\(text)')")
        }
        return duration
    }

    /// A fraction written as `80%` or `0.8`.
    public func fraction(_ node: Node, _ what: String) throws -> Double {
        let text = try string(node, what)
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, (0...1).contains(value) else {
            throw error(at: node, "\(what) must be a percentage such as 80% or a fraction from 0 to 1 (got '\(text)')")
        }
        return value
    }

    /// The mapping's entries by key, refusing keys outside `allowed` (a typo must not be silently ignored) and
    /// duplicate keys.
    public func entries(_ mapping: Node.Mapping, allowed: [String], in what: String) throws -> [String: (key: Node, value: Node)] {
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            let name = try string(key, "a key in \(what)")
            guard allowed.contains(name) else {
                throw error(at: key, "unknown key '\(name)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard result[name] == nil else { throw error(at: key, "'\(name)' appears twice in \(what)") }
            result[name] = (key, value)
        }
        return result
    }

    private func configError(from error: YamlError) -> ConfigError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        default:
            return ConfigError(file: file, message: "YAML: \(error)")
        }
    }
}

/// Durations as operators write them.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let number = Double(text.dropLast(unit.suffix.count)), number.isFinite, number >= 0 else { return nil }
            return .nanoseconds(Int64((number * unit.seconds * 1e9).rounded()))
        }
        return nil
    }

    public static func format(_ duration: Duration) -> String {
        let ms = duration.secondsDouble * 1000
        if ms < 1000 { return "\(Int(ms.rounded()))ms" }
        let s = ms / 1000
        return s == s.rounded() ? "\(Int(s))s" : "\((s * 10).rounded() / 10)s"
    }
}
