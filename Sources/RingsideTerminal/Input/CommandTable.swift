import RingsideCore
import RingsideEngine

/// One `:` command: the single table drives the dispatcher and the help screen, as the keymap does for keys.
public struct ConsoleCommand: Sendable {
    /// The first is the name help shows; the others are aliases.
    public var names: [String]
    /// The arguments, as help writes them (`TARGET N`).
    public var arguments: String
    public var description: String
    /// Runs the command: the name it was called by, and the rest of the line.
    public var run: @Sendable (inout ConsoleState, _ name: String, _ rest: String) -> ConsoleState.Effect

    /// How help lists it: `drain TARGET`.
    public var usage: String { ([names.joined(separator: ", ")] + (arguments.isEmpty ? [] : [arguments])).joined(separator: " ") }
}

public enum CommandTable {
    public static let commands: [ConsoleCommand] = [
        ConsoleCommand(names: ["q", "quit"], arguments: "", description: "quit") { _, _, _ in .quit },
        ConsoleCommand(names: ["help"], arguments: "", description: "the help screen") { state, _, _ in state.go(to: .help) },
        ConsoleCommand(names: ["overview", "events", "balancers", "rings", "actions", "jobs"], arguments: "", description: "go to that screen") { state, name, _ in
            state.go(to: ["overview": .overview, "events": .events, "balancers": .balancers, "rings": .rings, "actions": .actionLog, "jobs": .jobs][name] ?? .overview)
        },
        ConsoleCommand(names: ["filter"], arguments: "TEXT", description: "filter nodes or events") { state, _, text in
            state.filter = text
            return .none
        },
        ConsoleCommand(names: ["sort"], arguments: "COLUMN", description: "sort nodes by NODE, HEALTH, HIT%, OPS/S, EV/S, MEM or LAT") { state, _, column in
            guard let key = SortKey.allCases.first(where: { $0.rawValue.lowercased() == column.lowercased() }) else {
                state.message = "sort by one of: \(SortKey.allCases.map(\.rawValue).joined(separator: " "))"
                return .none
            }
            state.sort = key
            return .none
        },
        ConsoleCommand(names: ["freeze"], arguments: "", description: "freeze or unfreeze the screen") { state, _, _ in
            state.paused.toggle()
            return .none
        },
        ConsoleCommand(names: ["poll"], arguments: "", description: "poll every endpoint now") { _, _, _ in .pollNow },
        serverAction("drain", "drain an HAProxy server (a group: every member)") { (_: String) throws(ActionError) in .state(.drain) },
        serverAction("ready", "put an HAProxy server back into load balancing") { (_: String) throws(ActionError) in .state(.ready) },
        serverAction("maint", "maintenance for an HAProxy server") { (_: String) throws(ActionError) in .state(.maint) },
        ConsoleCommand(names: ["vnodes"], arguments: "RING NODE +N|-N|=N", description: "virtual nodes on a ring, with its plan") { state, _, rest in
            let words = rest.split(separator: " ").map(String.init)
            do throws(ActionError) {
                guard words.count == 3 else { throw ActionError("usage: :vnodes RING NODE +N|-N|=N") }
                return state.requestVirtualNodes(ring: words[0], node: words[1], change: try VirtualNodeChange.parse(words[2]))
            } catch {
                state.message = error.description
                return .none
            }
        },
        serverAction("weight", "set a weight: N, N%, +N, -N or initial", arguments: "TARGET WEIGHT") { (weight: String) throws(ActionError) in .weight(try WeightRequest.parse(weight)) },
        ConsoleCommand(
            names: ["warm"], arguments: "NODE --from SOURCE [--keys FILE] | NODE --ring RING",
            description: "copy keys onto a cache node: all of SOURCE's, the listed ones, or the ones it owns on RING (preview, then confirm; J shows the job)"
        ) { state, _, rest in
            do throws(ActionError) {
                return state.requestWarm(try WarmAsk.parse(rest))
            } catch {
                state.message = error.description
                return .none
            }
        },
    ]

    /// The command named `verb`, if any.
    static func command(named verb: String) -> ConsoleCommand? { commands.first { $0.names.contains(verb) } }

    /// A command acting on `BALANCER/BACKEND/SERVER`; `verb` reads the rest of the line after the target.
    private static func serverAction(
        _ name: String, _ description: String, arguments: String = "TARGET", verb: @escaping @Sendable (String) throws(ActionError) -> OperatorAction.Verb
    ) -> ConsoleCommand {
        ConsoleCommand(names: [name], arguments: arguments, description: description) { state, _, rest in
            let words = rest.split(separator: " ", maxSplits: 1).map(String.init)
            do throws(ActionError) {
                guard let target = words.first else { throw ActionError("usage: :\(name) \(arguments)") }
                if arguments.contains("WEIGHT") && words.count < 2 { throw ActionError("usage: :\(name) \(arguments)") }
                return state.request(OperatorAction(target: try .parse(target), verb: try verb(words.count > 1 ? words[1] : "")))
            } catch {
                state.message = error.description
                return .none
            }
        }
    }
}
