import Foundation
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing

/// The console in tmux over two real Redis nodes, as an on-call engineer warms a replacement node.
@Suite(.serialized, .heavy, .enabled(if: TmuxSession.isAvailable && DaemonKind.redis.shouldRunLiveTests, "needs tmux and redis-server"))
struct ConsoleWarmEndToEndTests {
    func setup() async throws -> RedisWarmPair {
        try await RedisWarmPair.start("console-warm", lastKey: "no expiry", fleetSettings: ["polling: { interval: 300ms, timeout: 1s }"])
    }

    @Test func wOnTheNodeClonesItAfterTheConfirmationAndTheJobsScreenShowsTheReport() async throws {
        let setup = try await setup()
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(setup.fleetFile)", width: 80, height: 24)
        #expect(await session.waitFor { $0.contains("cache-b") && $0.contains("UP") }.held, "\(session.diagnostics)")
        session.send("j")
        session.send("W")
        #expect(await session.waitFor { $0.contains("c  clone: every key of another node") }.held)
        session.send("c")
        #expect(await session.waitFor { $0.contains(": warm cache-b --from _") }.held)
        session.send("cache-a")
        session.send("Enter")
        let preview = await session.waitFor(timeout: .seconds(10)) { $0.contains("[ Cancel ]") && $0.contains("source  cache-a (redis 127.0.0.1:\(setup.source.port)): 301 items") }
        #expect(preview.held, "\(preview.screen)")
        session.send("Enter")
        #expect(await session.waitFor { $0.contains("cancelled: warm cache-b from cache-a (clone); nothing was copied") }.held)
        #expect(try await setup.keysOnTarget() == .integer(0), "Enter alone copies nothing")
        session.send("W")
        session.send("c")
        session.send("cache-a")
        session.send("Enter")
        #expect(await session.waitFor(timeout: .seconds(10)) { $0.contains("[ Cancel ]") }.held)
        session.send("Tab")
        session.send("Enter")
        session.send("J")
        let done = await session.waitFor(timeout: .seconds(20)) { $0.contains("warm cache-b from cache-a (clone)  complete") }
        #expect(done.held, "\(done.screen)")
        #expect(done.screen.contains("scanned 301: copied 301") && done.screen.contains("check   200 of 200 written keys read back on cache-b"), "\(done.screen)")
        #expect(try await setup.keysOnTarget() == .integer(301))
        session.send("q")
        #expect(await session.waitForExit())
        let audit = try await RingsideBinary.run(["audit", "--config", setup.fleetFile])
        #expect(audit.stdout.contains("warm cache-b from cache-a (clone)") && audit.stdout.contains("applied"), "\(audit.stdout)")
    }

    @Test func aReadOnlyConsoleWarmsNothingWhateverIsTried() async throws {
        let setup = try await setup()
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(setup.fleetFile) --read-only", width: 80, height: 24)
        #expect(await session.waitFor { $0.contains("cache-b") && $0.contains("UP") }.held, "\(session.diagnostics)")
        session.send("j")
        session.send("W")
        #expect(await session.waitFor { $0.contains("read-only (--read-only): warming cache-b is refused") }.held)
        for keys in ["c", "Tab", "Enter", ":warm cache-b --from cache-a", "Enter"] { session.send(keys) }
        #expect(await session.waitFor { $0.contains("read-only (--read-only): warm cache-b from cache-a (clone) is refused") }.held)
        session.send("Tab")
        session.send("Enter")
        session.send("q")
        #expect(await session.waitForExit())
        #expect(try await setup.keysOnTarget() == .integer(0))
        #expect(!FileManager.default.fileExists(atPath: setup.directory.appendingPathComponent("audit.jsonl").path), "nothing to audit: nothing was asked of a server")
    }
}

/// "Warm, then apply" from the rings screen, on a real nutcracker pool of three real memcached nodes.
@Suite(.serialized, .heavy, .enabled(
    if: TmuxSession.isAvailable && DaemonKind.nutcracker.shouldRunLiveTests && DaemonKind.memcached.shouldRunLiveTests, "needs tmux, nutcracker and memcached"))
struct ConsoleWarmThenApplyEndToEndTests {
    @Test func removingANodeWarmsItsKeysOntoTheirNewOwnersThenAppliesAfterItsOwnConfirmation() async throws {
        let pool = try await RebalanceWarmTests.Pool()
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(pool.fleetFile)", width: 100, height: 30)
        session.send("4")
        #expect(await session.waitFor(timeout: .seconds(10)) { $0.contains("twem/alpha") && $0.contains("mc-2") }.held, "\(session.diagnostics)")
        session.send("j")
        session.send("x")
        #expect(await session.waitFor { $0.contains("A applies") || $0.contains("staged") }.held)
        session.send("W")
        let planned = await session.waitFor(timeout: .seconds(10)) { $0.contains("[ Cancel ]") && $0.contains("then the ring change") }
        #expect(planned.held, "\(planned.screen)")
        #expect(planned.screen.contains("warm mc-1 from mc-2") || planned.screen.contains("warm mc-3 from mc-2"), "\(planned.screen)")
        session.send("Tab")
        session.send("Enter")
        // The warms run as jobs; then the ring change asks for its own confirmation, Cancel first.
        let confirm = await session.waitFor(timeout: .seconds(30)) { $0.contains("every warm is complete") && $0.contains("[ Cancel ]") }
        #expect(confirm.held, "\(confirm.screen)")
        #expect(try pool.config.contains("mc-2"), "nothing applied before the confirmation")
        session.send("Tab")
        session.send("Enter")
        let applied = await session.waitFor(timeout: .seconds(20)) { $0.contains("applied:") }
        #expect(applied.held, "\(applied.screen)")
        #expect(try !pool.config.contains("mc-2"))
        session.send("q")
        #expect(await session.waitForExit())
        // Every key, mc-2's included, is a hit through the restarted nutcracker: its keys were on their new owners.
        let client = CacheAsideClient(port: pool.nutcracker.listenPort)
        var hits = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let pass = try? await client.pass(over: pool.keys) {
                hits = pass.hits
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(hits == pool.keys.count, "hits after the shift: \(hits) of \(pool.keys.count)")
    }
}
