import Foundation
import NIOPosix
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing
@testable import RingsideEngine

/// Actions against real HAProxy processes, read back through `show servers state` by a client of the test's own.
@Suite(.serialized, .enabled(if: DaemonKind.haproxy.shouldRunLiveTests, "needs haproxy"))
struct ActionRunnerTests {
    let audit = AuditLog(path: FileManager.default.temporaryDirectory.appendingPathComponent("ringside-audit-\(UUID().uuidString.prefix(8)).jsonl").path)
    let who = AuditOperator(user: "oncall", sudoUser: "alice", sshClient: "10.1.2.3")

    static func backends(balance: String = "roundrobin") -> [HAProxyBackendSpec] {
        [HAProxyBackendSpec(name: "be_app", balance: balance, servers: (1...3).map { .init(name: "app-\($0)", port: freeLoopbackPort(), checked: false) })]
    }

    func runner(_ balancers: [(name: String, port: Int, group: String?)], gate: WriteGate = .open) -> ActionRunner {
        let endpoints = balancers.map { balancer in
            var endpoint = Endpoint(name: balancer.name, kind: .haproxy, address: HostPort(host: "127.0.0.1", port: balancer.port))
            endpoint.group = balancer.group
            return endpoint
        }
        var runner = ActionRunner(
            fleet: Fleet(name: "t", endpoints: endpoints, polling: PollSettings(interval: .seconds(1), timeout: .seconds(2))), gate: gate,
            audit: audit, operatorIdentity: who, host: "test-host", version: "test", group: MultiThreadedEventLoopGroup.singleton)
        runner.verifyTimeout = .seconds(3)
        return runner
    }

    /// The server as HAProxy has it now, read by a connection of the test's own.
    func state(_ port: Int, _ server: String) async throws -> HAProxyRuntimeState? {
        let client = HAProxyClient(host: "127.0.0.1", port: port, limits: WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(2)))
        defer { _ = client.close() }
        return try await client.poll().get().backends.first { $0.name == "be_app" }?.servers.first { $0.name == server }?.runtime
    }

    func action(_ target: String, _ verb: OperatorAction.Verb) throws -> OperatorAction { OperatorAction(target: try .parse(target), verb: verb) }

    @Test func eachActionIsReadBackThroughShowServersState() async throws { try await heavyTest { try await eachActionIsReadBackThroughShowServersStateBody() } }

    func eachActionIsReadBackThroughShowServersStateBody() async throws {
        let haproxy = try Daemons.haproxy(backends: Self.backends())
        let runner = runner([("edge", haproxy.port, nil)])
        typealias Check = @Sendable (HAProxyRuntimeState) -> Bool
        let steps: [(OperatorAction.Verb, Check)] = [
            (.state(.drain), { $0.forcedState == .drain }),
            (.state(.maint), { $0.forcedState == .maint }),
            (.state(.ready), { $0.forcedState == .ready }),
            (.weight(.absolute(7)), { $0.userWeight == 7 }),
            (.weight(.step(-10)), { $0.userWeight == 0 }),
            (.weight(.initial), { $0.userWeight == 1 }),
        ]
        for (verb, check) in steps {
            let preview = try await runner.preview(action("edge/be_app/app-2", verb))
            #expect(preview.sendsAnything, "\(verb)")
            let report = await runner.execute(preview)
            #expect(report.result == .applied, "\(verb): \(report.members.map(\.detail))")
            #expect(report.members[0].sent.map(\.reply) == [""], "HAProxy's answer, verbatim: empty for success")
            let now = try #require(try await state(haproxy.port, "app-2"))
            #expect(check(now), "\(verb): \(now)")
        }
        #expect(try await state(haproxy.port, "app-1")?.forcedState == .ready, "only the target changed")
    }

    @Test func anActionAlreadyInEffectSendsNothingAndSaysSo() async throws { try await heavyTest { try await anActionAlreadyInEffectSendsNothingAndSaysSoBody() } }

    func anActionAlreadyInEffectSendsNothingAndSaysSoBody() async throws {
        let haproxy = try Daemons.haproxy(backends: Self.backends())
        let runner = runner([("edge", haproxy.port, nil)])
        let preview = try await runner.preview(action("edge/be_app/app-1", .state(.ready)))
        #expect(preview.alreadyInEffect && !preview.sendsAnything)
        let report = await runner.execute(preview)
        #expect(report.result == .alreadyInEffect && report.members[0].sent.isEmpty)
        #expect(report.members[0].detail.contains("nothing was sent"))
    }

    @Test func whatHAProxyRefusesReachesTheOperatorInItsWords() async throws { try await heavyTest { try await whatHAProxyRefusesReachesTheOperatorInItsWordsBody() } }

    func whatHAProxyRefusesReachesTheOperatorInItsWordsBody() async throws {
        let haproxy = try Daemons.haproxy(backends: Self.backends(balance: "static-rr"))
        let runner = runner([("edge", haproxy.port, nil)])
        let preview = try await runner.preview(action("edge/be_app/app-1", .weight(.absolute(5))))
        #expect(preview.allWarnings.contains { $0.contains("static algorithm (static-rr)") && $0.contains("only 0% and 100%") }, "\(preview.allWarnings)")
        let report = await runner.execute(preview)
        #expect(report.result == .notApplied)
        #expect(report.members[0].detail.contains("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'."), "\(report.members[0].detail)")
        // Back to the initial weight goes out as 100%, which a static algorithm accepts.
        let zero = await runner.execute(try await runner.preview(action("edge/be_app/app-1", .weight(.absolute(0)))))
        #expect(zero.result == .applied && zero.members[0].sent.map(\.command) == ["set server be_app/app-1 weight 0%"], "\(zero.members[0].detail)")
        // A backend that does not exist is named with the ones that do, and nothing is sent.
        let wrong = await runner.execute(try await runner.preview(action("edge/be_nope/app-1", .state(.drain))))
        #expect(wrong.result == .notApplied && wrong.members[0].sent.isEmpty)
        #expect(wrong.members[0].detail.contains("no backend 'be_nope' (backends: be_app)"), "\(wrong.members[0].detail)")
    }

    @Test func anOperatorLevelSocketIsToldApartBeforeAnythingIsSent() async throws { try await heavyTest { try await anOperatorLevelSocketIsToldApartBeforeAnythingIsSentBody() } }

    func anOperatorLevelSocketIsToldApartBeforeAnythingIsSentBody() async throws {
        let haproxy = try Daemons.haproxy(backends: Self.backends(), apiLevel: "operator")
        let runner = runner([("edge", haproxy.port, nil)])
        let report = await runner.execute(try await runner.preview(action("edge/be_app/app-1", .state(.drain))))
        #expect(report.result == .notApplied && report.members[0].sent.isEmpty)
        #expect(report.members[0].detail.contains("operator level") && report.members[0].detail.contains("Permission denied"), "\(report.members[0].detail)")
    }

    @Test func aGroupActionLandsOnEveryMemberAndAStoppedOneMakesItPartial() async throws { try await heavyTest { try await aGroupActionLandsOnEveryMemberAndAStoppedOneMakesItPartialBody() } }

    func aGroupActionLandsOnEveryMemberAndAStoppedOneMakesItPartialBody() async throws {
        let a = try Daemons.haproxy(backends: Self.backends()), b = try Daemons.haproxy(backends: Self.backends())
        let runner = runner([("edge-a", a.port, "edge"), ("edge-b", b.port, "edge")])
        let both = await runner.execute(try await runner.preview(action("edge/be_app/app-3", .state(.drain))))
        #expect(both.result == .applied && both.members.map(\.endpoint) == ["edge-a", "edge-b"])
        #expect(try await state(a.port, "app-3")?.forcedState == .drain)
        #expect(try await state(b.port, "app-3")?.forcedState == .drain)
        b.stop()
        let preview = try await runner.preview(action("edge/be_app/app-3", .state(.ready)))
        let partial = await runner.execute(preview)
        #expect(partial.result == .partial)
        #expect(partial.members[0].result == .applied && partial.members[1].result == .notApplied)
        #expect(partial.members[1].detail.contains("could not read its state"), "\(partial.members[1].detail)")
        #expect(try await state(a.port, "app-3")?.forcedState == .ready)
    }

    @Test func theGateRefusesInReadOnlyAndTheServerIsUntouched() async throws { try await heavyTest { try await theGateRefusesInReadOnlyAndTheServerIsUntouchedBody() } }

    func theGateRefusesInReadOnlyAndTheServerIsUntouchedBody() async throws {
        let haproxy = try Daemons.haproxy(backends: Self.backends())
        let runner = runner([("edge", haproxy.port, nil)], gate: WriteGate(readOnlyBecause: "--read-only"))
        let report = await runner.execute(try await runner.preview(action("edge/be_app/app-1", .state(.maint))))
        #expect(report.result == .refused && report.members[0].detail == "read-only (--read-only): 'set server be_app/app-1 state maint' was not sent")
        #expect(try await state(haproxy.port, "app-1")?.forcedState == .ready)
    }

    @Test func theAuditLogHasOneLinePerActionFieldByField() async throws { try await heavyTest { try await theAuditLogHasOneLinePerActionFieldByFieldBody() } }

    func theAuditLogHasOneLinePerActionFieldByFieldBody() async throws {
        let haproxy = try Daemons.haproxy(backends: Self.backends())
        let runner = runner([("edge", haproxy.port, nil)])
        let report = await runner.execute(try await runner.preview(action("edge/be_app/app-2", .weight(.absolute(4)))))
        #expect(report.result == .applied)
        let (records, problems) = try audit.read()
        #expect(problems.isEmpty)
        try #require(records.count == 1)
        let finished = records[0]
        #expect(finished.schema == "ringside.audit/1" && !finished.id.isEmpty)
        #expect(finished.operator == who && finished.host == "test-host" && finished.version == "test")
        #expect(finished.action == "weight edge/be_app/app-2 4" && finished.target == "edge/be_app/app-2")
        #expect(finished.result == .applied && (finished.durationMs ?? -1) >= 0)
        let endpoint = try #require(finished.endpoints.first)
        #expect(endpoint.endpoint == "edge" && endpoint.address == "127.0.0.1:\(haproxy.port)")
        #expect(endpoint.sent.map(\.command) == ["set server be_app/app-2 weight 4"] && endpoint.sent.map(\.reply) == [""])
        #expect(endpoint.before?.userWeight == 1 && endpoint.after?.userWeight == 4)
        #expect(try FileManager.default.contentsOfDirectory(atPath: audit.inFlightDirectory).isEmpty, "nothing left in flight")
        // A line torn by a crash is reported, and every whole line before it still reads.
        let handle = try #require(FileHandle(forWritingAtPath: audit.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"schema\":\"ringside.audit/1\",\"id\":\"torn".utf8))
        try handle.close()
        let afterCrash = try audit.read()
        #expect(afterCrash.records.count == 1 && afterCrash.problems.count == 1 && afterCrash.problems[0].contains(":2: not an audit record"))
    }
}
