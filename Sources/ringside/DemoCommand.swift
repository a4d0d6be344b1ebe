import ArgumentParser
import Foundation
import RingsideDemo

/// `ringside demo`: the console on a fleet that lives inside the process, badged DEMO.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the console on a simulated fleet inside this process (always badged DEMO).",
        discussion: """
            The simulated memcached nodes and twemproxy stats port listen on 127.0.0.1 and speak the real protocols, \
            so the console polls them exactly as it polls production. With --serve, only the fleet runs and its fleet \
            file is printed, for 'ringside --config' or 'ringside status' from another terminal.
            """)

    @Option(help: "Seed of the simulated traffic: the same seed gives the same run.") var seed: UInt64 = 1
    @Option(help: "Memcached nodes in the pool.") var nodes = 6
    @Option(help: "Zipf skew of key popularity (0 = uniform, 1 = typical, higher = hotter keys).") var skew = 1.0
    @Option(help: "Requests per second across the fleet.") var rate = 2000.0
    @Option(help: "A scripted drill: node-failure, stampede, hot-key, spike, slow-node, hung-node, garbage-node.") var scenario: String?
    @Flag(help: "Only run the fleet and print its fleet file; stop with Ctrl-C.") var serve = false
    @OptionGroup var console: ConsoleFlags

    func run() async throws {
        guard (1...64).contains(nodes), rate > 0, rate <= 200_000, skew >= 0 else {
            throw ValidationError("--nodes takes 1 to 64, --rate 1 to 200000 requests per second, --skew 0 or more")
        }
        var options = DemoFleet.Options()
        options.seed = seed
        options.nodes = nodes
        options.skew = skew
        options.rate = rate
        options.gate = console.gate
        options.passwordInAFile = serve
        let demo = try await DemoFleet.start(options)
        if let scenario {
            do {
                try demo.play(scenario: scenario)
            } catch {
                await demo.stop()
                throw ValidationError("\(error)")
            }
        }
        if serve {
            FileHandle.standardOutput.write(Data(demo.fleetFile.utf8))
            let signal = await ServeSignals.next()
            await demo.stop()  // removes the password file
            throw ExitCode(128 + signal)
        }
        defer { Task { await demo.stop() } }
        try await console.open(
            demo.fleet, ejectionPolicies: [:], badge: "DEMO", extraCommands: (DemoFleet.commands, { await demo.run($0) }),
            sourceNote: { demo.originLoadNote() })
    }
}

/// The signals that end `demo --serve`, caught so the demo can remove its password file before it exits.
enum ServeSignals {
    static func next() async -> Int32 {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = [SIGINT, SIGTERM, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        for await number in stream { return number }
        return SIGTERM
    }
}
