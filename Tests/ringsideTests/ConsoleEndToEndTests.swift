import Foundation
import RingsideTestSupport
import Testing

/// The built binary in a real terminal (tmux) against real memcached: what an on-call engineer sees.
@Suite(.serialized, .heavy, .enabled(
    if: TmuxSession.isAvailable && DaemonKind.memcached.shouldRunLiveTests,
    "needs tmux and memcached: apt-get install tmux memcached"))
struct ConsoleEndToEndTests {
    // `ringside demo`: the README's first command (in this serialized suite with every other tmux test).
    @Test func theDemoShowsMovingNumbersWithinFiveSecondsAndQuitsCleanly() async throws {
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) demo --seed 3")
        let first = await session.waitFor(timeout: .seconds(5)) { screen in
            screen.contains("DEMO") && screen.split(separator: "\n").contains { $0.contains("mc-1") && $0.contains("%") && !$0.contains(" — ") }
        }
        #expect(first.held, "\(first.screen) \(session.diagnostics)")
        let hitColumn = { (screen: String) in screen.split(separator: "\n").first { $0.contains("Σ demo") }.map(String.init) ?? "" }
        let moved = await session.waitFor(timeout: .seconds(5)) { hitColumn($0) != hitColumn(first.screen) }
        #expect(moved.held, "the numbers did not move: \(moved.screen)")
        #expect(moved.screen.contains("twemproxy twem") && moved.screen.contains(" UP "))
        session.send("q")
        #expect(await session.waitForExit())
    }

    @Test func serveRunsTheFleetForAnotherTerminal() async throws {
        let directory = try Daemon.scratchDirectory("demo-serve")
        let fleetFile = directory.appendingPathComponent("fleet.yaml").path
        let server = try ChildProcess(
            executable: RingsideBinary.url.path, arguments: ["demo", "--serve", "--nodes", "3"],
            stdio: .files(stdout: fleetFile, stderr: directory.appendingPathComponent("err").path))
        defer { server.stop() }
        let deadline = ContinuousClock.now + .seconds(5)
        while (try? String(contentsOfFile: fleetFile, encoding: .utf8))?.contains("balancers:") != true, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        // redis-2's password is in a file only while the fleet is served: SIGTERM (below) removes it.
        let served = try String(contentsOfFile: fleetFile, encoding: .utf8)
        let passwordFile = try #require(served.firstRange(of: /password_file: "([^"]+)"/).map { String(served[$0].split(separator: "\"")[1]) })
        #expect(FileManager.default.fileExists(atPath: passwordFile))
        defer {
            server.stop(signal: SIGTERM)
            #expect(!FileManager.default.fileExists(atPath: passwordFile), "the password file is removed on SIGTERM")
        }
        let status = try await RingsideBinary.run(["status", "--config", fleetFile, "--interval", "300ms"])
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.contains("mc-3") && status.stdout.contains("pool demo"))
        // The served fleet file carries the demo's rings too, and `ring owner` routes keys as the demo does.
        let owners = try await RingsideBinary.run(["ring", "owner", "demo", "key:1", "key:2", "--config", fleetFile])
        #expect(owners.status == 0, "\(owners.stderr)")
        #expect(owners.stdout.split(separator: "\n").count == 2 && owners.stdout.contains("key:1\tmc-"))
        // --load polls the fleet twice and puts each node's share of the load beside its share of the ring.
        let load = try await RingsideBinary.run(["ring", "show", "demo", "--load", "--json", "--config", fleetFile])
        #expect(load.status == 0, "\(load.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(load.stdout.utf8)) as? [String: Any])
        #expect(document["loadUnit"] as? String == "ops/s")
        let shares = (document["nodes"] as? [[String: Any]] ?? []).compactMap { $0["loadShare"] as? Double }
        #expect(shares.count == 3 && abs(shares.reduce(0, +) - 1) < 1e-9, "\(load.stdout)")
    }

    /// The ring screen of the demo: a band of owner letters, and a staged drain previewed beside the ring.
    @Test func theRingScreenPreviewsAStagedDrain() async throws {
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) demo --nodes 4", width: 120, height: 32)
        #expect(await session.waitFor { self.row($0, "mc-2").contains("UP") }.held)
        session.send("4")
        let ring = await session.waitFor { $0.contains("RINGS 1/3  demo") && self.row($0, "now").contains("A") && $0.contains("% ") }
        #expect(ring.held, "\(ring.screen)")
        #expect(ring.screen.contains(" reads/s"), "the header shows the origin load: \(ring.screen)")
        session.send("d")
        let plan = await session.waitFor { $0.contains("staged: drain mc-1 → moves") && self.row($0, "plan").count > 20 }
        #expect(plan.held, "\(plan.screen)")
        session.send("q")
        #expect(await session.waitForExit())
    }

    @Test func aReadOnlyDemoRefusesADrillAndSaysSo() async throws {
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) demo --nodes 3 --read-only")
        #expect(await session.waitFor { self.row($0, "mc-2").contains("UP") && $0.contains("READ-ONLY") }.held)
        session.send(":kill mc-2", "Enter")
        let refused = await session.waitFor { $0.contains("read-only (--read-only): 'kill mc-2' was not sent") }
        #expect(refused.held, "\(refused.screen)")
        try await Task.sleep(for: .seconds(1))
        #expect(row(session.capture(), "mc-2").contains("UP"), "nothing was killed")
        session.send("q")
        #expect(await session.waitForExit())
    }

    @Test func aDrillFromTheCommandLineKillsAndRestartsANode() async throws {
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) demo --nodes 3")
        #expect(await session.waitFor { self.row($0, "mc-2").contains("UP") }.held)
        session.send(":kill mc-2", "Enter")
        let killed = await session.waitFor { $0.contains("mc-2 killed") && self.row($0, "mc-2").contains("DOWN") }
        #expect(killed.held, "\(killed.screen)")
        session.send(":restart mc-2", "Enter")
        let back = await session.waitFor { $0.contains("restarted with a cold cache") && self.row($0, "mc-2").contains("UP") }
        #expect(back.held, "\(back.screen)")
        session.send("q")
        #expect(await session.waitForExit())
    }

    func fleetFile(_ nodes: [(String, Daemon)], interval: String = "300ms") throws -> String {
        let directory = try Daemon.scratchDirectory("e2e-fleet")
        let file = directory.appendingPathComponent("fleet.yaml")
        let entries = nodes.map { "  - { name: \($0.0), kind: memcached, address: \"\($0.1.address)\", pool: web }" }
        try (["fleet: e2e", "polling: { interval: \(interval), timeout: 500ms }", "thresholds: { slow_latency: 2s }", "nodes:"] + entries)
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// The table row of `node` (its first column is the cursor marker or a blank).
    func row(_ screen: String, _ node: String) -> String {
        screen.split(separator: "\n").first { $0.dropFirst().hasPrefix(node + " ") }.map(String.init) ?? ""
    }

    @Test func overviewShowsTheHitRatioOfRealTraffic() async throws {
        let memcached = try Daemons.memcached()
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(try fleetFile([("mc-live", memcached)]))")
        #expect(await session.waitFor { self.row($0, "mc-live").contains("UP") }.held)
        // Bursts of exactly 70 hits and 30 misses: an interval that holds whole bursts reads 70.0%.
        let traffic = Task {
            for _ in 0..<25 {
                try await CacheTraffic.memcached(port: memcached.port, hits: 70, misses: 30)
                try await Task.sleep(for: .milliseconds(150))
            }
        }
        let (held, screen) = await session.waitFor(timeout: .seconds(8)) { self.row($0, "mc-live").contains("70.0%") }
        traffic.cancel()
        #expect(held, "\(screen)")
        #expect(screen.contains("CACHE NODES 1"))
    }

    @Test func aKilledNodeTurnsDownWithinTwoIntervalsAndComesBackUp() async throws {
        let steady = try Daemons.memcached(), victim = try Daemons.memcached()
        let port = victim.port
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(try fleetFile([("mc-steady", steady), ("mc-victim", victim)]))")
        #expect(await session.waitFor { self.row($0, "mc-victim").contains("UP") }.held)
        victim.stop()
        let down = await session.waitFor(timeout: .milliseconds(600 + 500)) { self.row($0, "mc-victim").contains("DOWN") }
        #expect(down.held, "not DOWN within two 300 ms intervals (+ the 500 ms deadline): \(down.screen)")
        #expect(row(down.screen, "mc-steady").contains("UP"))
        // The row says why and when the next attempt comes; the back-off grows to its cap (3 s by default).
        let backedOff = await session.waitFor(timeout: .seconds(10)) {
            self.row($0, "mc-victim").contains("connection refused · retry in 3s")
        }
        #expect(backedOff.held, "\(backedOff.screen)")
        let restarted = try Daemons.memcached(port: port)
        // UP within two intervals plus the longest back-off (and the 5 ms timer grid, and tmux's capture).
        let up = await session.waitFor(timeout: .milliseconds(2 * 300 + 3000 + 400)) { self.row($0, "mc-victim").contains("UP") }
        #expect(up.held, "a restarted node must not read DOWN for long: \(up.screen)")
        restarted.stop()
    }

    @Test func resizeRelaysOutAndTooSmallSaysSo() async throws {
        let memcached = try Daemons.memcached()
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(try fleetFile([("mc-a", memcached)]))")
        #expect(await session.waitFor { $0.contains("mc-a") }.held)
        session.resize(width: 130, height: 40)
        let wide = await session.waitFor { $0.contains("ITEMS") }
        #expect(wide.held, "wider terminals get more columns: \(wide.screen)")
        #expect(wide.screen.split(separator: "\n", omittingEmptySubsequences: false).count >= 40)
        session.resize(width: 60, height: 20)
        #expect(await session.waitFor { $0.contains("Terminal too small: 60x20") }.held)
        session.send("q")
        #expect(await session.waitForExit())
    }

    /// SIGSEGV stands for a crash: ncurses cannot clean up, ringside's handler must.
    @Test(arguments: ["q", "C-c", "SIGTERM", "SIGHUP", "SIGSEGV"])
    func everyWayOutLeavesAWorkingShell(way: String) async throws {
        let memcached = try Daemons.memcached()
        let fleet = try fleetFile([("mc-a", memcached)])
        let session = try TmuxSession(command: "/bin/sh")
        let marker = session.directory.appendingPathComponent("after.txt").path
        session.send("\(RingsideBinary.url.path) --config \(fleet); echo \"rc=$?\" > \(marker); stty -a >> \(marker)", "Enter")
        #expect(await session.waitFor { $0.contains("mc-a") }.held)
        switch way {
        case "SIGTERM", "SIGHUP", "SIGSEGV":
            _ = system("pkill -\(way.dropFirst(3)) -f '^\(RingsideBinary.url.path) --config \(fleet)'")
        default:
            session.send(way)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while !FileManager.default.fileExists(atPath: marker) || (try? String(contentsOfFile: marker, encoding: .utf8))?.contains("icanon") != true {
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let after = (try? String(contentsOfFile: marker, encoding: .utf8)) ?? ""
        // Signals end with 128 + the signal, as shells expect (Ctrl-C is SIGINT in cbreak mode).
        let expectedStatus = ["q": "rc=0", "C-c": "rc=130", "SIGTERM": "rc=143", "SIGHUP": "rc=129", "SIGSEGV": "rc=139"][way]!
        #expect(after.hasPrefix(expectedStatus), "\(after.prefix(20))")
        let words = Set(after.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(words.contains("icanon") && words.contains("echo"), "terminal not restored: \(after.prefix(300))")
    }

    @Test func plainLocaleAndNoColorFallBackToASCIIWithoutColour() async throws {
        let memcached = try Daemons.memcached()
        let session = try TmuxSession(
            command: "\(RingsideBinary.url.path) --config \(try fleetFile([("mc-a", memcached)]))",
            environment: ["LANG": "C", "LC_ALL": "C", "NO_COLOR": "1"])
        let (held, screen) = await session.waitFor { $0.contains("mc-a") && $0.contains("UP") }
        #expect(held)
        #expect(screen.unicodeScalars.allSatisfy { $0.isASCII }, "\(screen)")
        let styled = session.capture(escapes: true)
        // tmux writes ESC[39m / ESC[49m (default colours) everywhere; a real colour would be ESC[3Nm, ESC[4Nm or 38;/48;.
        let colours = (0...7).flatMap { ["\u{1b}[3\($0)m", "\u{1b}[4\($0)m"] } + ["\u{1b}[38;", "\u{1b}[48;"]
        #expect(!colours.contains(where: styled.contains), "no colours under NO_COLOR")
        #expect(styled.contains("\u{1b}[7m"), "reverse video marks the header and the cursor instead")
        session.send("q")
    }
}

@Suite struct ConsoleStartTests {
    /// In a real terminal (tmux), so that the TERM is what is refused, not the missing terminal.
    @Test(.enabled(if: TmuxSession.isAvailable), arguments: ["dumb", "no-such-terminal-type"])
    func anUnusableTerminalIsRefusedWithExitTwo(term: String) async throws {
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --memcached 127.0.0.1:1", environment: ["TERM": term])
        #expect(await session.waitForExit())
        #expect(session.diagnostics.hasPrefix("exit status 2"), "\(session.diagnostics)")
        #expect(session.diagnostics.contains("cannot run the console on TERM=\(term)"), "\(session.diagnostics)")
    }

    @Test func withoutAFleetTheDemoIsOffered() async throws {
        let empty = try Daemon.scratchDirectory("nofleet-demo")
        let result = try await RingsideBinary.run([], environment: ["HOME": empty.path, "XDG_CONFIG_HOME": ""], directory: empty)
        #expect(result.status == 2)
        #expect(result.stderr.contains("ringside demo"))
    }

    @Test func aBadThemeIsRefusedWithFileLineAndSlot() async throws {
        let unknown = try await RingsideBinary.run(["--memcached", "127.0.0.1:1", "--theme", "neon"], environment: ["TERM": "xterm"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("ringside: neon: no theme of that name"))
        let directory = try Daemon.scratchDirectory("theme")
        let file = directory.appendingPathComponent("broken.yaml")
        try "name: broken\nslots:\n  status.critical: { fg: red }\n".write(to: file, atomically: true, encoding: .utf8)
        let broken = try await RingsideBinary.run(["--memcached", "127.0.0.1:1", "--theme", file.path], environment: ["TERM": "xterm"])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("\(file.path):3:3: unknown slot 'status.critical'"))
    }
}
