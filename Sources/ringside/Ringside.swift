import ArgumentParser
import Foundation
import RingsideCore
import RingsideEngine
import RingsideTerminal

@main
struct Ringside: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside",
        abstract: "An operations console for cache fleets and the balancers in front of them.",
        version: "ringside \(version)",
        subcommands: [
            ConsoleCommand.self, StatusCommand.self, RingCommand.self, DrainCommand.self, ReadyCommand.self, MaintCommand.self, WeightCommand.self, VNodesCommand.self,
            WarmCommand.self, RebalanceCommand.self, AuditCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self)

    /// Usage and fleet file errors exit with 2 (ArgumentParser's default would be 64).
    /// The release this build is, for `--version` and `-V`.
    static let version = "0.5.0-dev"

    static func main() async {
        // `-V` as well as ArgumentParser's `--version`: hatop and redis-cli users type either.
        if CommandLine.arguments.dropFirst() == ["-V"] {
            print("ringside \(version)")
            return
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("ringside: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let error as RingError {
            FileHandle.standardError.write(Data("ringside: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let error as ActionError {
            FileHandle.standardError.write(Data("ringside: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let error as RingUnavailable {
            FileHandle.standardError.write(Data("ringside: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
