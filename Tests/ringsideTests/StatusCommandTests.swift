import Foundation
import RingsideTestSupport
import Testing

@Suite struct CommandLineErrorTests {
    @Test func withoutAFleetRingsideSaysHowToGiveOne() async throws {
        let empty = try Daemon.scratchDirectory("nofleet")
        let result = try await RingsideBinary.run([], environment: ["HOME": empty.path, "XDG_CONFIG_HOME": ""], directory: empty)
        #expect(result.status == 2)
        #expect(result.stderr.contains("ringside needs a fleet to watch"))
        #expect(result.stderr.contains("--config"))
    }

    @Test func aWrongFleetFileNamesFileLineAndProblemAndExitsTwo() async throws {
        let directory = try Daemon.scratchDirectory("badfleet")
        let file = directory.appendingPathComponent("fleet.yaml")
        try "fleet: x\nnodes:\n  - name: a\n    kind: memcache\n    address: 127.0.0.1:11211\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await RingsideBinary.run(["status", "--config", file.path])
        #expect(result.status == 2)
        #expect(result.stderr == "ringside: \(file.path):4:11: 'a': kind 'memcache' is not one of memcached or redis in nodes\n")
        #expect(result.stdout.isEmpty)
    }

    /// A log path under a regular file cannot be created, even by root: monitoring goes on, with one warning.
    @Test func aLogFileThatCannotBeWrittenNeverStopsStatus() async throws {
        let directory = try Daemon.scratchDirectory("badlog")
        let blocker = directory.appendingPathComponent("not-a-directory")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let logFile = blocker.appendingPathComponent("ringside.log").path
        let result = try await RingsideBinary.run(["status", "--interval", "100ms", "--memcached", "127.0.0.1:1", "--json", "--log-file", logFile])
        #expect(result.status == 1, "exit 1 for the DOWN node, as without the log problem: \(result.stderr)")
        #expect(result.stdout.contains("\"schema\" : \"ringside.status/1\""), "the report is printed")
        #expect(result.stderr.hasPrefix("ringside: warning: no log file: cannot write \(logFile)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "warned once")
    }

    @Test(arguments: ["--version", "-V"])
    func theVersionIsPrinted(flag: String) async throws {
        let result = try await RingsideBinary.run([flag])
        #expect(result.status == 0 && result.stdout.hasPrefix("ringside 0."), "\(result.stdout)\(result.stderr)")
    }

    @Test func demoAndConsoleArgumentsSayWhatIsWrong() async throws {
        let nodes = try await RingsideBinary.run(["demo", "--nodes", "-1"])
        #expect(nodes.status == 2 && nodes.stderr.contains("--nodes takes 1 to 64 (got -1)"), "\(nodes.stderr)")
        let interval = try await RingsideBinary.run(["-i", "soon", "--memcached", "127.0.0.1:1"])
        #expect(interval.status == 2 && interval.stderr.contains("--interval takes a positive duration"), "\(interval.stderr)")
        let help = try await RingsideBinary.run(["demo", "--help"])
        #expect(help.stdout.contains("redis-2") && help.stdout.contains("be_app") && help.stdout.contains("twem"), "the demo's help lists its fleet")
    }

    @Test func usageErrorsExitTwo() async throws {
        let result = try await RingsideBinary.run(["status", "--interval", "soon", "--memcached", "127.0.0.1:1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--interval takes a positive duration"))
    }

    @Test func aPasswordIsNeverAcceptedOnTheCommandLine() async throws {
        let result = try await RingsideBinary.run(["status", "--redis", "127.0.0.1:1", "--redis-password", "hunter2"])
        #expect(result.status == 2)
        #expect(!result.stdout.contains("hunter2"))
    }
}

@Suite(.enabled(
    if: DaemonKind.memcached.shouldRunLiveTests && DaemonKind.haproxy.shouldRunLiveTests && DaemonKind.redis.shouldRunLiveTests,
    "needs memcached, redis-server and haproxy: apt-get install memcached redis-server haproxy"))
struct StatusCommandLiveTests {
    @Test func healthyFleetExitsZeroWithTheDocumentedJSON() async throws {
        let memcached = try Daemons.memcached()
        let redis = try Daemons.redis(password: "s3cret")
        let directory = try Daemon.scratchDirectory("fleet")
        let file = directory.appendingPathComponent("fleet.yaml")
        try """
            fleet: cli-test
            polling: { interval: 300ms, timeout: 2s }
            thresholds: { slow_latency: 5s }
            nodes:
              - { name: mc, kind: memcached, address: "\(memcached.address)", pool: web }
              - name: rd
                kind: redis
                address: "\(redis.address)"
                pool: web
                auth: { password_env: RINGSIDE_TEST_PW }
            """.write(to: file, atomically: true, encoding: .utf8)
        try await CacheTraffic.memcached(port: memcached.port, hits: 1, misses: 0)
        let result = try await RingsideBinary.run(["status", "--config", file.path, "--json"], environment: ["RINGSIDE_TEST_PW": "s3cret"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "ringside.status/1")
        #expect(json["healthy"] as? Bool == true)
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["name"] as? String } == ["mc", "rd"])
        #expect(nodes.map { $0["health"] as? String } == ["UP", "UP"])
        #expect(!result.stdout.contains("s3cret"))
    }

    @Test func aDownServerBehindHAProxyAndADeadNodeExitOne() async throws {
        let memcached = try Daemons.memcached()
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_app", servers: [.init(name: "ok", port: memcached.port), .init(name: "gone", port: freeLoopbackPort())])
        ])
        // Let HAProxy's health check mark the dead server DOWN first.
        #expect(try await CacheTraffic.waitForHAProxyStatus(port: haproxy.port, backend: "be_app", server: "gone", state: .down))
        let dead = "127.0.0.1:\(freeLoopbackPort())"
        let result = try await RingsideBinary.run([
            "status", "--interval", "200ms", "--memcached", memcached.address, "--memcached", dead, "--haproxy", haproxy.address,
        ])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        // Ad-hoc targets are named by their address: the report says which server.
        #expect(result.stdout.contains("\(dead): DOWN (connection refused)"))
        #expect(result.stdout.contains("\(haproxy.address): be_app/gone is DOWN"))
        #expect(result.stdout.contains("backend be_app UP (roundrobin)"))
    }
}
