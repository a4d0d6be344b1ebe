import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RingsideTestSupport
import Testing

/// `ringside drain|ready|maint|weight|audit` as a runbook runs them, against a real HAProxy behind a recording
/// proxy that keeps every byte ringside sends.
@Suite(.serialized, .heavy, .enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "needs haproxy"))
struct ActionCommandTests {
    func setup(readOnlyFleet: Bool = false) async throws -> RecordedHAProxy {
        try await RecordedHAProxy.start(fleetSettings: readOnlyFleet ? ["read_only: true"] : [])
    }

    @Test func aReadOnlyCommandLineSendsNoChangeWhateverItIsAsked() async throws {
        let setup = try await setup()
        let attempts: [[String]] = [
            ["drain", "edge/be_app/app-1"], ["maint", "edge/be_app/app-1"], ["weight", "edge/be_app/app-1", "0"],
            ["weight", "edge/be_app/app-1", "+10"], ["weight", "edge/be_app/app-1", "50%"],
        ]
        for attempt in attempts {
            for (flags, environment) in [(["--read-only"], [String: String]()), ([], ["RINGSIDE_READ_ONLY": "1"])] {
                let result = try await RingsideBinary.run(attempt + ["--config", setup.fleetFile, "--yes"] + flags, environment: environment)
                #expect(result.status == 1, "\(attempt) \(flags): \(result.stdout) \(result.stderr)")
                #expect(result.stdout.contains("refused: read-only ("), "\(result.stdout)")
            }
        }
        #expect(!setup.proxy.lines.isEmpty, "the proxy saw the reads")
        #expect(setup.changesSent.isEmpty, "\(setup.changesSent)")
        let readOnlyFile = try await self.setup(readOnlyFleet: true)
        let result = try await RingsideBinary.run(["drain", "edge/be_app/app-2", "--config", readOnlyFile.fleetFile, "--yes"])
        #expect(result.status == 1 && result.stdout.contains("read-only (read_only: true in the fleet file)"), "\(result.stdout)")
        #expect(readOnlyFile.changesSent.isEmpty)
        let audit = try await RingsideBinary.run(["audit", "--config", readOnlyFile.fleetFile])
        #expect(audit.stdout.contains("drain edge/be_app/app-2  refused"), "\(audit.stdout)")
    }

    @Test func aDryRunAndAnUnconfirmedScriptSendNothing() async throws {
        let setup = try await setup()
        let dry = try await RingsideBinary.run(["drain", "edge/be_app/app-1", "--config", setup.fleetFile, "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("send    set server be_app/app-1 state drain") && dry.stdout.contains("dry run: nothing was sent"), "\(dry.stdout)")
        let unconfirmed = try await RingsideBinary.run(["drain", "edge/be_app/app-1", "--config", setup.fleetFile], stdin: "yes\n")
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"), "\(unconfirmed.stderr)")
        #expect(setup.changesSent.isEmpty, "\(setup.changesSent)")
    }

    /// HAProxy seems to hang on the drain, and ringside is killed (-9) while it waits for the answer: the audit log
    /// afterwards holds the action, as interrupted, with the command that was being sent.
    @Test func anActionKilledMidSendIsAuditedAsInterrupted() async throws {
        let setup = try await RecordedHAProxy.start(fleetSettings: ["polling: { interval: 1s, timeout: 30s }"], holdingChanges: true)
        let scratch = try Daemon.scratchDirectory("killed-action")
        let child = try ChildProcess(
            executable: RingsideBinary.url.path, arguments: ["drain", "edge/be_app/app-2", "--config", setup.fleetFile, "--yes"],
            stdio: .files(stdout: scratch.appendingPathComponent("out").path, stderr: scratch.appendingPathComponent("err").path))
        let deadline = ContinuousClock.now + .seconds(10)
        while setup.changesSent.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(setup.changesSent == ["set server be_app/app-2 state drain"])
        child.stop(signal: SIGKILL)
        #expect(await child.exitCode() == 128 + SIGKILL)
        let audit = try await RingsideBinary.run(["audit", "--config", setup.fleetFile, "--json"])
        let lines = audit.stdout.split(separator: "\n")
        #expect(audit.status == 0 && lines.count == 1, "\(audit.stdout) \(audit.stderr)")
        let record = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any]
        #expect(record?["result"] as? String == "interrupted" && record?["action"] as? String == "drain edge/be_app/app-2")
        let endpoint = (record?["endpoints"] as? [[String: Any]])?.first
        #expect((endpoint?["detail"] as? String)?.contains("planned: set server be_app/app-2 state drain") == true, "\(endpoint ?? [:])")
        let again = try await RingsideBinary.run(["audit", "--config", setup.fleetFile])
        #expect(again.stdout.components(separatedBy: "interrupted (begun, never finished)").count == 2, "once: \(again.stdout)")
    }

    @Test func aConfirmedActionIsAppliedVerifiedAndAudited() async throws {
        let setup = try await setup()
        let applied = try await RingsideBinary.run(["drain", "edge/be_app/app-2", "--config", setup.fleetFile, "--yes", "--json"])
        #expect(applied.status == 0, "\(applied.stdout) \(applied.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any]
        #expect(document?["schema"] as? String == "ringside.action/1")
        #expect((document?["reports"] as? [[String: Any]])?.map { $0["result"] as? String } == ["applied"])
        #expect(setup.changesSent == ["set server be_app/app-2 state drain"])
        let again = try await RingsideBinary.run(["drain", "edge/be_app/app-2", "--config", setup.fleetFile, "--yes"])
        #expect(again.status == 0 && again.stdout.contains("already in effect"), "\(again.stdout)")
        #expect(setup.changesSent.count == 1, "a repeat sends nothing")
        let audit = try await RingsideBinary.run(["audit", "--config", setup.fleetFile, "--since", "1h"])
        #expect(audit.stdout.contains("drain edge/be_app/app-2  applied") && audit.stdout.contains("drain edge/be_app/app-2  already in effect"), "\(audit.stdout)")
        #expect(audit.stdout.contains("edge: set server be_app/app-2 state drain → ok"), "\(audit.stdout)")
    }

    @Test func mistakesExitTwoAndSayWhatIsWrong() async throws {
        let setup = try await setup()
        for (arguments, message) in [
            (["drain", "edge/be_app"], "give BALANCER/BACKEND/SERVER"),
            (["drain", "nope/be_app/app-1"], "no HAProxy balancer or group named 'nope' in the fleet (there are: edge)"),
            (["weight", "edge/be_app/app-1", "abc"], "weight 'abc': give N (0…256)"),
            (["weight", "edge/be_app/app-1", "300"], "weight '300'"),
            (["audit", "--since", "soon"], "--since takes a positive duration"),
        ] {
            let result = try await RingsideBinary.run(arguments + ["--config", setup.fleetFile])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(setup.changesSent.isEmpty)
    }
}

/// drain → wait → maint with a real client session held open through HAProxy to a real memcached.
@Suite(.serialized, .heavy, .enabled(if: DaemonKind.haproxy.shouldRunLiveTests && DaemonKind.memcached.shouldRunLiveTests, "needs haproxy and memcached"))
struct DrainThenMaintTests {
    /// A TCP connection to `port` that has exchanged one memcached command, so HAProxy counts a live session.
    static func openSession(port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(connected == 0)
        _ = "version\r\n".withCString { write(socket, $0, 9) }
        var buffer = [UInt8](repeating: 0, count: 64)
        try #require(read(socket, &buffer, 64) > 0, "memcached answered through HAProxy")
        return socket
    }

    @Test func theDrainWaitsForTheLiveSessionThenMaintenance() async throws {
        let memcached = try Daemons.memcached()
        let frontend = freeLoopbackPort()
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_cache", servers: [.init(name: "mc-1", port: memcached.port, checked: false)], frontendPort: frontend),
        ])
        let session = try Self.openSession(port: frontend)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-drain-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fleetFile = directory.appendingPathComponent("fleet.yaml").path
        try "fleet: t\naudit_log: \(directory.path)/audit.jsonl\nbalancers:\n  - { name: edge, kind: haproxy, address: 127.0.0.1:\(haproxy.port) }\n"
            .write(toFile: fleetFile, atomically: true, encoding: .utf8)
        // The session ends a second into the wait: the drain must see one session, then none, then go to maint.
        let closer = Task {
            try await Task.sleep(for: .seconds(1))
            close(session)
        }
        let result = try await RingsideBinary.run(["drain", "edge/be_cache/mc-1", "--config", fleetFile, "--yes", "--then-maint", "--timeout", "20s"])
        _ = try? await closer.value
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("waiting: edge 1 session, 0 queued"), "\(result.stdout)")
        #expect(result.stdout.contains("waiting: edge 0 sessions, 0 queued"), "\(result.stdout)")
        #expect(result.stdout.contains("applied: drain edge/be_cache/mc-1") && result.stdout.contains("applied: maint edge/be_cache/mc-1"), "\(result.stdout)")
        let audit = try await RingsideBinary.run(["audit", "--config", fleetFile])
        #expect(audit.stdout.contains("drain edge/be_cache/mc-1  applied") && audit.stdout.contains("maint edge/be_cache/mc-1  applied"), "\(audit.stdout)")
    }

    @Test func aSessionThatOutlastsTheTimeoutIsShutDownWhenAsked() async throws {
        let memcached = try Daemons.memcached()
        let frontend = freeLoopbackPort()
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_cache", servers: [.init(name: "mc-1", port: memcached.port, checked: false)], frontendPort: frontend),
        ])
        let session = try Self.openSession(port: frontend)
        defer { close(session) }
        let result = try await RingsideBinary.run([
            "drain", "127.0.0.1:\(haproxy.port)/be_cache/mc-1", "--haproxy", "127.0.0.1:\(haproxy.port)", "--yes", "--then-maint", "--timeout", "1s",
            "--shutdown-sessions",
        ])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("shutdown sessions server be_cache/mc-1 → ok"), "\(result.stdout)")
        #expect(result.stdout.contains("applied: maint 127.0.0.1:\(haproxy.port)/be_cache/mc-1"), "\(result.stdout)")
    }
}
