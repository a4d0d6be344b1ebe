import ArgumentParser

/// Benchmarks for the performance targets in the issues. Each prints its figures with the target next to them.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside-bench",
        abstract: "ringside's performance benchmarks.",
        subcommands: [PollFleetBench.self, PeerComparisonBench.self, ScreenBench.self, RingBench.self, DemoBench.self, WireBench.self, WarmBench.self, ServeFakes.self])
}
