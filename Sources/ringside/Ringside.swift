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
        subcommands: [StatusCommand.self])

    @OptionGroup var fleetOptions: FleetOptions

    @Flag(help: "Refuse every action that would change a server (shown as READ-ONLY).")
    var readOnly = false

    @Flag(help: "ASCII only: no box drawing, blocks or braille (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "No colours, attributes only (also when NO_COLOR is set).")
    var noColor = false

    @Option(help: "Theme name (default, light, solarized-dark, high-contrast, monochrome) or path to a theme file; also RINGSIDE_THEME.")
    var theme: String?

    @Option(help: "Log file (default: $XDG_STATE_HOME/ringside/ringside.log).")
    var logFile: String?

    /// Without a subcommand: the live console on the fleet.
    func run() async throws {
        guard let fleet = try fleetOptions.fleet() else {
            FileHandle.standardError.write(Data((howToGiveAFleet + "\n").utf8))
            throw ExitCode(2)
        }
        let theme = try ThemeLoader.load(theme)
        let engine = PollEngine(
            fleet: fleet, ejectionPolicies: try FleetLoader.ejectionPolicies(for: fleet), logger: try makeLogger(path: logFile))
        let options = ConsoleOptions(
            ascii: ascii, monochrome: noColor || ConsoleOptions.noColorRequested(), readOnly: readOnly, theme: theme)
        let ended: Int32?
        do {
            ended = try Console.run(engine: engine, options: options)
        } catch {
            await engine.stop()
            FileHandle.standardError.write(Data("ringside: \(error)\n".utf8))
            throw ExitCode(2)
        }
        await engine.stop()
        // Ended by a signal: exit as the shell expects (128 + the signal), after the terminal was restored.
        if let ended, ended != 0 { throw ExitCode(128 + ended) }
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
