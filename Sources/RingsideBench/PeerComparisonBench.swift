import ArgumentParser
import Foundation
import RingsideTestSupport
import RingsideWire

/// One poll of a real HAProxy and a real Redis, as CPU time per refresh, next to `hatop -t` and `redis-cli --stat`
/// doing the same job against the same servers in the same run.
struct PeerComparisonBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers", abstract: "CPU per refresh: ringside vs hatop -t (HAProxy) and redis-cli --stat (Redis).")

    @Option(help: "ringside polls per server (back to back).") var polls = 300
    @Option(help: "Seconds the peers run at one refresh a second (after a 3 s warm-up).") var seconds = 10

    func run() async throws {
        let memcached = try Daemons.memcached()
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_app", servers: (1...5).map { .init(name: "s\($0)", port: memcached.port) }),
            HAProxyBackendSpec(name: "be_cache", balance: "source", hashType: "consistent", servers: (1...5).map { .init(name: "c\($0)", port: memcached.port) }),
        ])
        let redis = try Daemons.redis()
        let limits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(2))
        print("ringside-bench peers: HAProxy \(haproxy.address) (2 backends, 10 servers), Redis \(redis.address)")

        let haproxyClient = HAProxyClient(host: "127.0.0.1", port: haproxy.port, limits: limits)
        let ringsideHAProxy = try await cpuPerPoll(polls) { _ = try await haproxyClient.poll().get() }
        let redisClient = RedisClient(host: "127.0.0.1", port: redis.port, limits: limits, auth: nil)
        let ringsideRedis = try await cpuPerPoll(polls) { _ = try await redisClient.poll().get() }

        let hatop = try TerminalChild(executable: "/usr/bin/hatop", arguments: ["-t", haproxy.address, "-i", "1"])
        let redisCLI = try ChildProcess(executable: "/usr/bin/redis-cli", arguments: ["-p", "\(redis.port)", "--stat", "-i", "1"], stdio: .discard)
        try await Task.sleep(for: .seconds(3))
        let hatopStart = processCPUSeconds(pid: hatop.pid), redisStart = processCPUSeconds(pid: redisCLI.pid)
        try await Task.sleep(for: .seconds(seconds))
        let hatopEnd = processCPUSeconds(pid: hatop.pid), redisEnd = processCPUSeconds(pid: redisCLI.pid)
        hatop.stop()
        redisCLI.stop()

        func perRefresh(_ start: Double?, _ end: Double?) -> String {
            guard let start, let end else { return "not running (is it installed? apt-get install hatop redis-tools)" }
            return String(format: "%.3f ms", (end - start) / Double(seconds) * 1000)
        }
        print("CPU time per refresh (user + system):")
        print(String(format: "  HAProxy  ringside %.3f ms (show info + show stat + show servers state, %d polls)", ringsideHAProxy * 1000, polls))
        print("           hatop -t \(perRefresh(hatopStart, hatopEnd)) (show info + show stat, \(seconds) refreshes at -i 1)")
        print(String(format: "  Redis    ringside %.3f ms (PING + INFO, %d polls)", ringsideRedis * 1000, polls))
        print("           redis-cli --stat \(perRefresh(redisStart, redisEnd)) (INFO, \(seconds) refreshes at -i 1)")
        try? await haproxyClient.close().get()
        try? await redisClient.close().get()
    }

    private func cpuPerPoll(_ count: Int, _ poll: () async throws -> Void) async throws -> Double {
        for _ in 0..<10 { try await poll() }  // warm up: connect, first allocations
        let before = processCPUSeconds()
        for _ in 0..<count { try await poll() }
        return (processCPUSeconds() - before) / Double(count)
    }
}

/// A curses program on a pseudo-terminal that `script` provides; what it writes to the terminal goes to
/// `typescript` (or nowhere), so its size is the program's terminal traffic.
final class TerminalChild {
    private let script: ChildProcess
    /// The program itself (the child of `script`), whose CPU is measured.
    let pid: pid_t

    init(executable: String, arguments: [String], rows: Int = 40, columns: Int = 140, typescript: String = "/dev/null") throws {
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["LANG"] = "C.UTF-8"
        // stty sizes the terminal first: hatop refuses screens under 78x20.
        let command = "stty rows \(rows) cols \(columns); exec \(executable) \(arguments.joined(separator: " "))"
        script = try ChildProcess(
            executable: "/usr/bin/script", arguments: ["-qfc", command, typescript], stdio: .discard, environment: environment)
        let deadline = Date().addingTimeInterval(5)
        var found: pid_t?
        while found == nil && Date() < deadline {
            found = Self.child(of: script.pid, named: URL(fileURLWithPath: executable).lastPathComponent)
            usleep(20_000)
        }
        guard let found else { throw ValidationError("\(executable) did not start under script(1)") }
        pid = found
    }

    /// Ends the program first (script(1) outlives a SIGTERM of its own), then script itself.
    func stop() {
        kill(pid, SIGKILL)
        script.stop()
    }

    /// A direct child of `parent` whose command line mentions `name` (hatop runs as `python3 /usr/bin/hatop`).
    private static func child(of parent: pid_t, named name: String) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.first { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.range(of: ") ", options: .backwards),
                let commandLine = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
            else { return false }
            let fields = stat[close.upperBound...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent && commandLine.contains(name)
        }
    }
}
