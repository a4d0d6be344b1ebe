import ArgumentParser
import Foundation
import RingsideTestSupport

/// The demo's footprint: the real `ringside demo` (simulated fleet, poll engine and console in one process) in a
/// 120×40 tmux pane, its CPU and resident memory read from /proc over a steady period, optionally on the ring
/// screen (which rebuilds and redraws the rings every second).
struct DemoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "CPU and memory of ringside demo over time.")

    @Option(help: "Seconds measured after a 10 s warm-up.") var seconds = 120
    @Option(help: "The screen to keep open: 1 (overview) or 4 (rings).") var screen = "1"

    func run() async throws {
        let directory = try Daemon.scratchDirectory("demo-bench")
        let pidFile = directory.appendingPathComponent("pid").path
        let ringside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ringside").path
        let session = try TmuxSession(command: "sh -c 'echo $$ > \(pidFile); exec \(ringside) demo'", width: 120, height: 40)
        guard await session.waitFor(timeout: .seconds(10), { $0.contains("DEMO") && $0.contains("mc-1") }).held,
              let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap({ pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else { throw ValidationError("the demo did not come up: \(session.diagnostics)") }
        session.send(screen)
        try await Task.sleep(for: .seconds(10))
        let startCPU = cpuSeconds(pid), startRSS = residentMiB(pid), started = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let elapsed = (ContinuousClock.now - started).secondsDouble
        let cpu = (cpuSeconds(pid) - startCPU) / elapsed * 100, endRSS = residentMiB(pid)
        session.send("q")
        print(String(format: "ringside demo (6 memcached + 2 Redis + twemproxy + HAProxy simulated, 2,000 req/s, console on screen %@): CPU %.1f%% of one core over %.0f s; resident memory %.1f → %.1f MiB",
                     screen, cpu, elapsed, startRSS, endRSS))
    }

    /// utime + stime of the whole process, in seconds (/proc/PID/stat, clock ticks).
    private func cpuSeconds(_ pid: pid_t) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime field 14, stime field 15.
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private func residentMiB(_ pid: pid_t) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Double(line.split(separator: " ")[1]) ?? 0) / 1024
    }
}
