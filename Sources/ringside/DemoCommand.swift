import ArgumentParser
import Foundation
import RingsideDemo
import RingsideEngine

/// `ringside demo`: the console on a fleet that lives inside the process, badged DEMO.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the console on a simulated fleet inside this process (always badged DEMO).",
        discussion: """
            Everything listens on 127.0.0.1 and speaks the real protocols, so the console polls the demo exactly as \
            it polls production. The fleet:
              demo pool      memcached mc-1 … mc-N (--nodes, 8 MiB each), routed by a twemproxy ketama ring
              twem           a twemproxy stats port over the demo pool
              sessions pool  Redis redis-1 and redis-2 (redis-2 wants a password)
              edge           an HAProxy Runtime API: be_app (consistent hash, app-1 … app-4, weights 1 1 1 2) and \
            be_static (round robin)
              rings          demo, sessions, edge/be_app
            Drills (kill, restart, hang, slow, garbage, heal, hotkey, spike, expire, drain, maint, ready, weight) run \
            from the console's : line (listed by ?) or --scenario. With --serve, only the fleet runs and its fleet \
            file is printed, for 'ringside --config' or 'ringside status' from another terminal.
            """)

    @Option(parsing: .unconditional, help: "Seed of the simulated traffic: the same seed gives the same run.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Memcached nodes in the pool.") var nodes = 6
    @Option(parsing: .unconditional, help: "Zipf skew of key popularity (0 = uniform, 1 = typical, higher = hotter keys).") var skew = 1.0
    @Option(parsing: .unconditional, help: "Requests per second across the fleet.") var rate = 2000.0
    @Option(help: "A scripted drill: node-failure, stampede, hot-key, spike, slow-node, hung-node, garbage-node.") var scenario: String?
    @Flag(help: "Only run the fleet and print its fleet file; stop with Ctrl-C.") var serve = false
    @OptionGroup var console: ConsoleFlags

    func run() async throws {
        let problems = [
            (1...64).contains(nodes) ? nil : "--nodes takes 1 to 64 (got \(nodes))",
            rate > 0 && rate <= 200_000 ? nil : "--rate takes more than 0 to 200000 requests per second (got \(rate))",
            skew >= 0 && skew.isFinite ? nil : "--skew takes 0 or more (got \(skew))",
        ].compactMap { $0 }
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
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
            sourceNote: { demo.originLoadNote() },
            // The demo's actions go to the simulated HAProxy: audited apart, so they never read as production ones.
            defaultAuditLog: (AuditLog.defaultPath() as NSString).deletingLastPathComponent + "/demo-audit.jsonl")
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
