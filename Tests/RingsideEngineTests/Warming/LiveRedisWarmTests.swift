import Foundation
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Synchronization
import Testing
@testable import RingsideEngine

@Suite(.enabled(if: DaemonKind.redis.shouldRunLiveTests, "redis-server is not installed: apt-get install redis-server"))
struct LiveRedisWarmTests {
    @Test func valuesTTLsAndTypesArriveAndANewerKeyOnTheTargetIsLeftAlone() async throws {
        let (source, target) = try await offCooperativePool { (try Daemons.redis(), try Daemons.redis()) }
        let binary = "a\r\nEND\r\n\u{0}b\r\n"
        let started = ContinuousClock.now
        let big = String(repeating: "x", count: 1 << 20)
        try await Seed.redis(port: source.port, [
            ["SET", "a key with spaces", "v1", "EX", "100"], ["SET", "forever", "v2"], ["SET", "binary", binary], ["SET", "one-mebibyte", big],
            ["HSET", "a hash", "field", "value"], ["SET", "newer", "old copy"], ["SET", "long", "v", "EX", "\(40 * 86_400)"],
        ])
        try await Seed.redis(port: target.port, [["SET", "newer", "written on the target"]])
        let job = warmJob(
            target: try await RedisWarmNode.connect(host: "127.0.0.1", port: target.port, limits: warmLimits, auth: nil),
            source: try await RedisWarmNode.connect(host: "127.0.0.1", port: source.port, limits: warmLimits, auth: nil))
        let report = await job.run()
        #expect(report.outcome == .complete)
        #expect(report.counts.scanned == 7 && report.counts.copied == 6 && report.counts.alreadyPresent == 1 && report.counts.failed == 0)
        #expect(report.verification == WarmVerification(checked: 6, present: 6))
        let replies = try await Seed.redis(port: target.port, [
            ["PTTL", "a key with spaces"], ["TTL", "forever"], ["GET", "binary"], ["STRLEN", "one-mebibyte"], ["HGET", "a hash", "field"],
            ["GET", "newer"], ["TTL", "long"],
        ])
        // What the TTLs may have lost is the time this test took (a loaded CI run has taken seconds), not more.
        let elapsed = (ContinuousClock.now - started).components.seconds + 1
        guard case let .integer(pttl) = replies[0] else { Issue.record("no PTTL"); return }
        #expect((100_000 - elapsed * 1000...100_000).contains(pttl), "TTL kept to within \(elapsed) s: \(pttl) ms")
        #expect(replies[1] == .integer(-1))
        #expect(replies[2] == .bulk(Array(binary.utf8)))
        #expect(replies[3] == .integer(1 << 20))
        #expect(replies[4] == .bulk(Array("value".utf8)))
        #expect(replies[5] == .bulk(Array("written on the target".utf8)))
        guard case let .integer(longTTL) = replies[6] else { Issue.record("no TTL"); return }
        #expect((40 * 86_400 - elapsed...40 * 86_400).contains(longTTL), "\(longTTL)")
    }

    @Test func expiredAndTooBigKeysAreSkippedCountedAndNamed() async throws {
        let (source, target) = try await offCooperativePool { (try Daemons.redis(), try Daemons.redis()) }
        try await Seed.redis(port: source.port, [["SET", "small", "v"], ["SET", "big", String(repeating: "y", count: 5000)], ["SET", "brief", "v", "PX", "30"]])
        // The list names a key that has expired by the time it is read.
        let deadline = ContinuousClock.now + .seconds(5)
        while try await Seed.redis(port: source.port, [["EXISTS", "brief"]]) == [.integer(1)], ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        var settings = WarmSettings()
        settings.maxKeyBytes = 1000
        let job = warmJob(
            kind: .keys, target: try await RedisWarmNode.connect(host: "127.0.0.1", port: target.port, limits: warmLimits, auth: nil),
            source: try await RedisWarmNode.connect(host: "127.0.0.1", port: source.port, limits: warmLimits, auth: nil),
            keys: .given(["small", "big", "brief", "never existed"].map { Array($0.utf8) }), settings: settings)
        let report = await job.run()
        #expect(report.counts.copied == 1 && report.counts.tooBig == 1 && report.counts.expired == 2)
        #expect(report.problems.map(\.key) == ["big"])
        #expect(try await Seed.redis(port: target.port, [["DBSIZE"]]) == [.integer(1)])
    }

    @Test func passwordsAndACLUsersOnBothEndsComeFromTheFleetFile() async throws {
        let (source, target) = try await offCooperativePool { (try Daemons.redis(password: "s0urce"), try Daemons.redis(aclUser: (name: "warmer", password: "t4rget"))) }
        try await Seed.redis(port: source.port, password: "s0urce", (0..<50).map { ["SET", "k\($0)", "v"] })
        let fleet = Fleet(name: "warm", endpoints: [
            Endpoint(name: "src", kind: .redis, address: HostPort(host: "127.0.0.1", port: source.port), credentials: Credentials(password: .environment("SRC_PW"))),
            Endpoint(name: "dst", kind: .redis, address: HostPort(host: "127.0.0.1", port: target.port), credentials: Credentials(username: "warmer", password: .environment("DST_PW"))),
        ])
        var runner = try testWarmRunner(fleet)
        runner.secrets = EndpointSourceFactory(environment: ["SRC_PW": "s0urce", "DST_PW": "t4rget"])
        let preview = try await runner.preview(WarmRequest(target: "dst", keys: .clone(from: "src")), settings: WarmSettings())
        #expect(preview.sources.first?.items == 50 && preview.target.items == 0)
        let report = await runner.execute(preview)
        #expect(report.outcome == .complete && report.counts.copied == 50)
        let (records, problems) = try runner.actions.audit.read()
        #expect(problems.isEmpty)
        #expect(records.map(\.action) == ["warm dst from src (clone)"] && records.first?.result == .applied)
        #expect(records.first?.endpoints.first?.sent.first?.command == "RESTORE (no REPLACE) from src")
    }

    /// One EVAL per batch reads sizes, TTLs and dumps; a user denied scripting gets the same copy, command by command.
    @Test func aSourceThatRefusesScriptsIsReadCommandByCommand() async throws {
        let (source, target) = try await offCooperativePool { (try Daemons.redis(extra: ["--user", "noscript", "on", ">pw", "~*", "+@all", "-@scripting"]), try Daemons.redis()) }
        try await Seed.redis(port: source.port, (0..<300).map { ["SET", "k\($0)", "v", "EX", "600"] })
        for auth in [nil, RedisClient.Auth(username: "noscript", password: "pw")] {
            try await Seed.redis(port: target.port, [["FLUSHALL"], ["CONFIG", "RESETSTAT"]])
            try await Seed.redis(port: source.port, [["CONFIG", "RESETSTAT"]])
            let job = warmJob(
                target: try await RedisWarmNode.connect(host: "127.0.0.1", port: target.port, limits: warmLimits, auth: nil),
                source: try await RedisWarmNode.connect(host: "127.0.0.1", port: source.port, limits: warmLimits, auth: auth))
            let report = await job.run()
            #expect(report.outcome == .complete && report.counts.copied == 300, "\(report.error ?? "")")
            let stats = try await Seed.redis(port: source.port, [["INFO", "commandstats"]])[0]
            guard case let .bulk(text) = stats else { Issue.record("no INFO"); continue }
            // A refused EVAL shows as `calls=0,…,rejected_calls=1`: the first batch asks once, then no batch does.
            let line = String(decoding: text, as: UTF8.self).split(separator: "\r\n").first { $0.hasPrefix("cmdstat_eval:") }
            let calls = line.flatMap { Int($0.dropFirst("cmdstat_eval:calls=".count).prefix { $0.isNumber }) } ?? 0
            let usedScript = calls > 0
            #expect(usedScript == (auth == nil), "EVAL used: \(usedScript), as user \(auth?.username ?? "default")")
        }
    }

    @Test func readOnlyRefusesBeforeReadingAndADryRunWritesNothing() async throws {
        let (source, target) = try await offCooperativePool { (try Daemons.redis(), try Daemons.redis()) }
        try await Seed.redis(port: source.port, [["SET", "a", "1"], ["SET", "b", "2"]])
        try await Seed.redis(port: target.port, [["SET", "b", "mine"]])
        let fleet = Fleet(name: "warm", endpoints: [
            Endpoint(name: "src", kind: .redis, address: HostPort(host: "127.0.0.1", port: source.port)),
            Endpoint(name: "dst", kind: .redis, address: HostPort(host: "127.0.0.1", port: target.port)),
        ])
        let audit = try Daemon.scratchDirectory("warm-audit").appendingPathComponent("audit.jsonl").path
        let readOnly = try testWarmRunner(fleet, gate: WriteGate(readOnlyBecause: "--read-only"), auditLog: audit)
        let refused = await readOnly.execute(try await readOnly.preview(WarmRequest(target: "dst", keys: .clone(from: "src")), settings: WarmSettings()))
        #expect(refused.outcome == .refused && refused.error?.contains("--read-only") == true)
        var dry = WarmSettings()
        dry.dryRun = true
        let open = try testWarmRunner(fleet, auditLog: audit)
        let dryRun = await open.execute(try await open.preview(WarmRequest(target: "dst", keys: .clone(from: "src")), settings: dry))
        #expect(dryRun.outcome == .complete && dryRun.dryRun && dryRun.counts.copied == 1 && dryRun.counts.alreadyPresent == 1)
        #expect(try await Seed.redis(port: target.port, [["DBSIZE"], ["GET", "b"]]) == [.integer(1), .bulk(Array("mine".utf8))])
        // The refusal is audited; the dry run sent nothing, so it is not.
        #expect(try AuditLog(path: audit).read().records.map(\.result) == [.refused])
        // The gate in the wire layer refuses too, whoever calls it.
        let connection = try await RedisKeyCopyConnection.connect(host: "127.0.0.1", port: target.port, limits: warmLimits, auth: nil)
        await #expect(throws: WireError.readOnly(ReadOnlyRefusal(change: "RESTORE 1 keys", because: "--read-only"))) {
            try await connection.restore([.init(key: Array("x".utf8), ttl: 0, payload: [])], gate: WriteGate(readOnlyBecause: "--read-only"))
        }
        await connection.close()
    }

    @Test func aSourceStoppedMidJobEndsTheJobWithItsReport() async throws {
        let (source, target, job) = try await populatedRedisJob(keys: 20_000) { settings in
            settings.keysPerSecond = 4000
            settings.batchSize = 200
        }
        let watch = ProgressWatch { progress in
            if progress.counts.copied >= 1000 { source.stop() }
        }
        let report = await job.run(progress: watch.record)
        #expect(report.outcome == .failed)
        #expect(report.error?.hasPrefix("source: ") == true, "\(report.error ?? "no error")")
        #expect(report.counts.copied >= 1000 && report.counts.copied < 20_000)
        let held = try await Seed.redis(port: target.port, [["DBSIZE"]])
        #expect(held == [.integer(Int64(report.counts.copied))])
    }

    @Test func cancelStopsAfterTheBatchesInFlightAndReportsWhatWasCopied() async throws {
        let (source, target, job) = try await populatedRedisJob(keys: 20_000) { settings in
            settings.keysPerSecond = 5000
            settings.batchSize = 250
        }
        let control = WarmControl()
        let watch = ProgressWatch { progress in
            if progress.counts.copied >= 1000 { control.cancel() }
        }
        let report = await job.run(control: control, progress: watch.record)
        #expect(report.outcome == .cancelled && source.isRunning)
        // At most the batches that were in flight when it was cancelled finish after it.
        #expect(report.counts.copied >= 1000 && report.counts.copied <= 1000 + job.settings.depth * job.settings.batchSize)
        #expect(try await Seed.redis(port: target.port, [["DBSIZE"]]) == [.integer(Int64(report.counts.copied))])
    }
}
