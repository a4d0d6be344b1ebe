import ArgumentParser
import Foundation
import RingsideCore
import RingsideEngine

/// 1,000 endpoints polled every second: how long a full cycle takes against the slowest endpoint's latency, and
/// how much CPU ringside uses. The fake endpoints run in a child process so only ringside's CPU is counted.
struct PollFleetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poll", abstract: "Poll 1,000 fake memcached endpoints every second.")

    @Option(help: "How many endpoints.") var endpoints = 1000
    @Option(help: "Reply delay of the slowest endpoint, in ms (the others answer at once).") var slowMs = 100
    @Option(help: "Seconds of steady polling over which CPU is measured.") var seconds = 30
    @Option(help: "Full cycles timed one after another.") var cycles = 10

    func run() async throws {
        raiseOpenFileLimit()
        let fakes = try FakeFleetProcess(count: endpoints, slowMs: slowMs)
        defer { fakes.stop() }
        var thresholds = Thresholds()
        thresholds.slowLatency = .seconds(10)
        let fleet = Fleet(
            name: "bench",
            endpoints: fakes.ports.enumerated().map { index, port in
                Endpoint(name: "mc-\(index)", kind: .memcached, address: HostPort(host: "127.0.0.1", port: port), pool: "p\(index % 10)")
            },
            polling: PollSettings(interval: .seconds(1), timeout: .seconds(2)), thresholds: thresholds)
        let engine = PollEngine(fleet: fleet, historyCapacity: 3600)
        print("ringside-bench poll: \(endpoints) endpoints, the slowest answering after \(slowMs) ms, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        await engine.pollAllOnce()  // connect everything first; cycles below run on open connections

        var overheads: [Double] = []
        for cycle in 1...cycles {
            let started = ContinuousClock.now
            await engine.pollAllOnce()
            let elapsed = (ContinuousClock.now - started).secondsDouble * 1000
            let states = engine.snapshot().endpoints
            let slowest = states.compactMap(\.latency).max().map { $0.secondsDouble * 1000 } ?? 0
            let up = states.filter { $0.health.hasFreshData }.count
            overheads.append(elapsed - slowest)
            print(String(format: "  cycle %2d: %7.1f ms, slowest endpoint %6.1f ms, overhead %5.1f ms, %d/%d up", cycle, elapsed, slowest, elapsed - slowest, up, endpoints))
        }
        let worst = overheads.max() ?? 0
        print(String(format: "full cycle overhead over the slowest endpoint: median %.1f ms, worst %.1f ms (target: under 50 ms) %@",
                     overheads.sorted()[overheads.count / 2], worst, worst < 50 ? "PASS" : "FAIL"))

        let pollsBefore = engine.completedPolls().values.reduce(0, +)
        let usageBefore = ProcessUsage.now(), wallBefore = ContinuousClock.now
        engine.start()
        try await Task.sleep(for: .seconds(seconds))
        let usageAfter = ProcessUsage.now(), wall = (ContinuousClock.now - wallBefore).secondsDouble
        let cpu = usageAfter.user + usageAfter.system - usageBefore.user - usageBefore.system
        let polls = engine.completedPolls().values.reduce(0, +) - pollsBefore
        await engine.stop()
        let percent = cpu / wall * 100
        print(String(format: "  per poll: %.1f µs user, %.1f µs system, %.2f voluntary context switches",
                     (usageAfter.user - usageBefore.user) / Double(polls) * 1e6, (usageAfter.system - usageBefore.system) / Double(polls) * 1e6,
                     Double(usageAfter.voluntarySwitches - usageBefore.voluntarySwitches) / Double(polls)))
        print(String(format: "steady polling at 1 s for %.0f s: %.2f s CPU = %.2f%% of one core, %d polls (target: at most 5%%) %@",
                     wall, cpu, percent, polls, percent <= 5 ? "PASS" : "FAIL"))
        print(String(format: "  peak resident memory: %.1f MiB", Double(usageAfter.peakResidentBytes) / 1_048_576))

        let peer = try BlockingPeer(ports: fakes.ports)
        let peerCPU = peer.run(seconds: seconds)
        peer.close()
        print(String(format: "peer in the same run, blocking sockets with no parsing (the floor of this job on this machine): %.2f%% of one core",
                     peerCPU / Double(seconds) * 100))
    }
}
