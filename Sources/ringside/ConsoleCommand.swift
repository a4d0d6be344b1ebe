import ArgumentParser
import Foundation
import RingsideCore
import RingsideEngine

/// `ringside [console]`: the live console on the fleet. It is the default subcommand, so `ringside --config
/// fleet.yaml` opens it, while each other subcommand owns its options (`ring --haproxy` means something else).
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "console", abstract: "The live console on the fleet (the default).")

    @OptionGroup var fleetOptions: FleetOptions

    @OptionGroup var console: ConsoleFlags

    func run() async throws {
        guard let fleet = try fleetOptions.fleet() else {
            FileHandle.standardError.write(Data((howToGiveAFleet + "\n").utf8))
            throw ExitCode(2)
        }
        try await console.open(fleet, ejectionPolicies: try FleetLoader.ejectionPolicies(for: fleet), badge: nil)
    }
}
