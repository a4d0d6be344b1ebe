import ArgumentParser
import Foundation
import RingsideCore

@main
struct Ringside: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside",
        abstract: "An operations console for cache fleets and the balancers in front of them.",
        subcommands: [StatusCommand.self])

    @OptionGroup var fleetOptions: FleetOptions

    func run() async throws {
        guard try fleetOptions.fleet() != nil else {
            FileHandle.standardError.write(Data((howToGiveAFleet + "\n").utf8))
            throw ExitCode(2)
        }
        // The live console is the next step (issue: "The console"); until it lands, point at what works.
        FileHandle.standardError.write(Data("ringside: the live console is not built yet; use 'ringside status' for a one-shot picture.\n".utf8))
        throw ExitCode(2)
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
