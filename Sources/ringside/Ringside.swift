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
        subcommands: [StatusCommand.self, DemoCommand.self])

    @OptionGroup var fleetOptions: FleetOptions

    @OptionGroup var console: ConsoleFlags

    /// Without a subcommand: the live console on the fleet.
    func run() async throws {
        guard let fleet = try fleetOptions.fleet() else {
            FileHandle.standardError.write(Data((howToGiveAFleet + "\n").utf8))
            throw ExitCode(2)
        }
        try await console.open(fleet, ejectionPolicies: try FleetLoader.ejectionPolicies(for: fleet), badge: nil)
    }

    /// Usage and fleet file errors exit with 2 (ArgumentParser's default would be 64).
    static func main() async {
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
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
