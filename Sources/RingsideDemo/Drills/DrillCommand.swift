/// A drill command of the demo's `:` line or `--scenario` timelines, parsed and checked before anything runs: a
/// wrong argument is an error that says what is wrong, never silently something else (`spike 0`, `hotkey 5`,
/// `expire -3` once did that, froze the console or crashed it).
public enum DrillCommand: Sendable, Equatable {
    case kill(node: String), restart(node: String), hang(node: String), garbage(node: String), heal(node: String)
    case slow(node: String, milliseconds: Int)
    case hotKey(share: Double, seconds: Double)
    case spike(factor: Double, seconds: Double)
    case expire(count: Int)
    /// `set server B/S state drain|maint|ready` on the simulated HAProxy.
    case serverState(server: String, state: String)
    case serverWeight(server: String, weight: String)

    /// Bounds that keep a drill within what the simulation can carry at a steady frame rate.
    public static let maxSpikeFactor = 10.0
    public static let maxSeconds = 3600.0
    public static let maxSlowMilliseconds = 60_000

    /// What the parse found: a command, an error to show, or a line that is no drill (`nil` from `parse`).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `line`; `nil` when its verb is not a drill. `nodes` are the node names, `keys` the keys the
    /// applications use.
    public static func parse(_ line: String, nodes: [String], keys: Int) -> Result<DrillCommand, Problem>? {
        let words = line.split(separator: " ").map(String.init)
        guard let verb = words.first?.lowercased() else { return nil }
        let arguments = Array(words.dropFirst())
        func fail(_ text: String) -> Result<DrillCommand, Problem> { .failure(Problem(description: text)) }
        func usage(_ form: String) -> Result<DrillCommand, Problem> { fail("usage: \(form)") }
        func node(_ form: String, extra: Int = 0) -> Result<String, Problem> {
            guard arguments.count == 1 + extra else { return .failure(Problem(description: "usage: \(form)")) }
            guard nodes.contains(arguments[0]) else {
                return .failure(Problem(description: "\(verb) which node? '\(arguments[0])' is not one of \(nodes.joined(separator: ", "))"))
            }
            return .success(arguments[0])
        }
        /// The argument at `index` as a number in `range`, or its default when it is absent.
        func number(_ index: Int, _ name: String, default value: Double, in range: ClosedRange<Double>, exclusiveLower: Bool = false)
            -> Result<Double, Problem>
        {
            guard arguments.count > index else { return .success(value) }
            guard let parsed = Double(arguments[index]), parsed.isFinite, range.contains(parsed), !(exclusiveLower && parsed == range.lowerBound) else {
                let lower = exclusiveLower ? "more than \(format(range.lowerBound))" : "\(format(range.lowerBound))"
                return .failure(Problem(description: "\(name) takes \(lower) to \(format(range.upperBound)) (got '\(arguments[index])')"))
            }
            return .success(parsed)
        }
        switch verb {
        case "kill": return node("kill NODE").map(DrillCommand.kill)
        case "restart": return node("restart NODE").map(DrillCommand.restart)
        case "hang": return node("hang NODE").map(DrillCommand.hang)
        case "garbage": return node("garbage NODE").map(DrillCommand.garbage)
        case "heal": return node("heal NODE").map(DrillCommand.heal)
        case "slow":
            return node("slow NODE MS", extra: 1).flatMap { name in
                guard let ms = Int(arguments[1]), (1...maxSlowMilliseconds).contains(ms) else {
                    return fail("slow takes a delay of 1 to \(maxSlowMilliseconds) ms (got '\(arguments[1])')")
                }
                return .success(.slow(node: name, milliseconds: ms))
            }
        case "hotkey":
            guard arguments.count <= 2 else { return usage("hotkey [SHARE] [SECONDS]") }
            return number(0, "hotkey's SHARE (a fraction of all requests)", default: 0.3, in: 0...1, exclusiveLower: true).flatMap { share in
                number(1, "hotkey's SECONDS", default: 60, in: 0...maxSeconds, exclusiveLower: true).map { .hotKey(share: share, seconds: $0) }
            }
        case "spike":
            guard (1...2).contains(arguments.count) else { return usage("spike FACTOR [SECONDS]") }
            return number(0, "spike's FACTOR", default: 3, in: 1...maxSpikeFactor, exclusiveLower: true).flatMap { factor in
                number(1, "spike's SECONDS", default: 30, in: 0...maxSeconds, exclusiveLower: true).map { .spike(factor: factor, seconds: $0) }
            }
        case "expire":
            guard arguments.count <= 1 else { return usage("expire [COUNT]") }
            return number(0, "expire's COUNT", default: 500, in: 1...Double(keys)).flatMap { count in
                count == count.rounded() ? .success(.expire(count: Int(count))) : fail("expire's COUNT is a whole number (got '\(arguments[0])')")
            }
        case "drain", "maint", "ready":
            guard arguments.count == 1, arguments[0].contains("/") else { return usage("\(verb) BACKEND/SERVER") }
            return .success(.serverState(server: arguments[0], state: verb))
        case "weight":
            guard arguments.count == 2, arguments[0].contains("/") else { return usage("weight BACKEND/SERVER N") }
            return .success(.serverWeight(server: arguments[0], weight: arguments[1]))
        default: return nil
        }
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
    }
}
