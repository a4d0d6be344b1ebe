import Foundation
import RingsideTestSupport
import Testing

/// `ringside drain|ready|maint|weight|audit` as a runbook runs them, against a real HAProxy behind a recording
/// proxy that keeps every byte ringside sends.
@Suite(.serialized, .enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "needs haproxy"))
struct ActionCommandTests {
    static let mutatingVerbs = ["set ", "shutdown ", "enable ", "disable ", "add ", "del ", "clear ", "commit ", "new "]

    struct Setup {
        let haproxy: Daemon
        let proxy: RecordingProxy
        let directory: URL
        var fleetFile: String { directory.appendingPathComponent("fleet.yaml").path }
        var auditLog: String { directory.appendingPathComponent("audit.jsonl").path }

        /// The lines sent that would change a server.
        var changesSent: [String] { proxy.lines.filter { line in ActionCommandTests.mutatingVerbs.contains { line.hasPrefix($0) } && !line.hasPrefix("set severity-output") } }
    }

    func setup(readOnlyFleet: Bool = false) async throws -> Setup {
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_app", servers: (1...3).map { .init(name: "app-\($0)", port: freeLoopbackPort(), checked: false) }),
        ])
        let proxy = try await RecordingProxy(upstreamPort: haproxy.port)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-actions-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let setup = Setup(haproxy: haproxy, proxy: proxy, directory: directory)
        try """
            fleet: t
            \(readOnlyFleet ? "read_only: true\n" : "")audit_log: \(setup.auditLog)
            balancers:
              - { name: edge, kind: haproxy, address: 127.0.0.1:\(proxy.port) }
            """.write(toFile: setup.fleetFile, atomically: true, encoding: .utf8)
        return setup
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

    @Test func aConfirmedActionIsAppliedVerifiedAndAudited() async throws {
        let setup = try await setup()
        let applied = try await RingsideBinary.run(["drain", "edge/be_app/app-2", "--config", setup.fleetFile, "--yes", "--json"])
        #expect(applied.status == 0, "\(applied.stdout) \(applied.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any]
        #expect(document?["schema"] as? String == "ringside.action/1")
        #expect((document?["report"] as? [String: Any])?["result"] as? String == "applied")
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
