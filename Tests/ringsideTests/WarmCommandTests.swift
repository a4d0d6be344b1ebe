import Foundation
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing

/// `ringside warm` as a runbook runs it, against real Redis nodes.
@Suite(.heavy, .enabled(if: DaemonKind.redis.shouldRunLiveTests, "needs redis-server"))
struct WarmCommandTests {
    func setup() async throws -> RedisWarmPair { try await RedisWarmPair.start("warm-cli", lastKey: "hot key") }

    @Test func aScriptedCloneCopiesEverythingAndPrintsTheReportAsJSON() async throws {
        let setup = try await setup()
        let result = try await RingsideBinary.run(["warm", "cache-b", "--from", "cache-a", "--config", setup.fleetFile, "--yes", "--json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let report = try JSONDecoder().decode(WarmReport.self, from: Data(result.stdout.utf8))
        #expect(report.schema == "ringside.warm-report/1" && report.outcome == .complete && report.counts.copied == 301)
        #expect(try await setup.keysOnTarget() == .integer(301))
        let audit = try await RingsideBinary.run(["audit", "--config", setup.fleetFile])
        #expect(audit.stdout.contains("warm cache-b from cache-a (clone)") && audit.stdout.contains("applied"), "\(audit.stdout)")
    }

    @Test func aKeyListFromStandardInputCopiesOnlyThoseKeys() async throws {
        let setup = try await setup()
        let result = try await RingsideBinary.run(
            ["warm", "cache-b", "--keys", "-", "--from", "cache-a", "--config", setup.fleetFile, "--yes"], stdin: "hot key\nk:1\r\nnot there\n")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("scanned 3: copied 2, already present 0, expired 1"), "\(result.stdout)")
        #expect(try await setup.keysOnTarget() == .integer(2))
    }

    @Test func withoutATerminalOrYesReadOnlyOrAnUnreadableSourceNothingIsWritten() async throws {
        let setup = try await setup()
        let unconfirmed = try await RingsideBinary.run(["warm", "cache-b", "--from", "cache-a", "--config", setup.fleetFile])
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("no terminal to confirm on; pass --yes"), "\(unconfirmed.stderr)")
        let readOnly = try await RingsideBinary.run(["warm", "cache-b", "--from", "cache-a", "--config", setup.fleetFile, "--yes", "--read-only"])
        #expect(readOnly.status == 1 && readOnly.stdout.contains("refused") && readOnly.stdout.contains("read-only (--read-only)"), "\(readOnly.stdout)")
        let dryRun = try await RingsideBinary.run(["warm", "cache-b", "--from", "cache-a", "--config", setup.fleetFile, "--dry-run"])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("would copy 301") && dryRun.stdout.contains("nothing was written"), "\(dryRun.stdout)")
        setup.source.stop()
        let down = try await RingsideBinary.run(["warm", "cache-b", "--from", "cache-a", "--config", setup.fleetFile, "--yes"])
        #expect(down.status == 1 && down.stderr.contains("cache-a cannot be read: connection refused; nothing was sent"), "\(down.stderr)")
        #expect(try await setup.keysOnTarget() == .integer(0))
    }

    @Test func wrongArgumentsSayWhatIsWrongAndExitTwo() async throws {
        let setup = try await setup()
        let cases: [([String], String)] = [
            (["warm", "cache-b"], "give one of --ring RING, --from NODE (clone), or --keys FILE --from NODE"),
            (["warm", "cache-b", "--keys", "/nonexistent"], "--keys needs --from NODE"),
            (["warm", "cache-z", "--from", "cache-a"], "no cache node named 'cache-z' in the fleet (there are: cache-a, cache-b)"),
            (["warm", "cache-a", "--from", "cache-a"], "'cache-a' cannot be warmed from itself"),
            (["warm", "cache-b", "--ring", "nope"], "no ring 'nope'"),
            (["warm", "cache-b", "--from", "cache-a", "--add", "x=1.2.3.4:1"], "stage a change of --ring RING"),
            (["warm", "cache-b", "--keys", "/nonexistent", "--from", "cache-a"], "cannot read the key list /nonexistent"),
        ]
        for (arguments, message) in cases {
            let result = try await RingsideBinary.run(arguments + ["--config", setup.fleetFile, "--yes"])
            #expect(result.status == 2 && result.stderr.contains(message), "\(arguments): \(result.status) \(result.stderr)")
        }
        #expect(try await setup.keysOnTarget() == .integer(0))
    }

    /// A warm run from one terminal, `status` from another: the source's hit ratio is marked as counting the
    /// warm's reads while it runs (the in-flight audit record says so), and not once the warm is over.
    @Test func statusMarksTheNodeAWarmIsReadingWhileItRuns() async throws {
        let setup = try await setup()
        async let warm = RingsideBinary.run(["warm", "cache-b", "--from", "cache-a", "--config", setup.fleetFile, "--yes", "--rate", "60"])
        var marked: [String: Any]?
        let deadline = ContinuousClock.now + .seconds(20)
        while marked == nil, ContinuousClock.now < deadline {
            let status = try await RingsideBinary.run(["status", "--json", "--interval", "100ms", "--config", setup.fleetFile])
            let nodes = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["nodes"] as? [[String: Any]] ?? []
            marked = (nodes.first { $0["name"] as? String == "cache-a" }?["warmingReads"] as? [[String: Any]])?.first
        }
        let read = try #require(marked, "status never marked cache-a while the warm ran")
        #expect(read["job"] as? String == "warm cache-b from cache-a (clone)" && read["node"] as? String == "cache-a")
        #expect(read["until"] is NSNull, "still running: \(read)")
        let text = try await RingsideBinary.run(["status", "--interval", "100ms", "--config", setup.fleetFile])
        #expect(text.stdout.contains("note: cache-a's HIT% counts the reads of 'warm cache-b from cache-a (clone)' (running)"), "\(text.stdout)")
        let finished = try await warm
        #expect(finished.status == 0, "\(finished.stdout)\(finished.stderr)")
        let after = try await RingsideBinary.run(["status", "--interval", "100ms", "--config", setup.fleetFile])
        #expect(!after.stdout.contains("counts the reads"), "the warm is over: \(after.stdout)")
    }

    /// At 80 columns the progress bar is longer than the line: cut to the width, it is redrawn in place and
    /// cleared at the end (a wrapped bar left a line behind at every redraw).
    @Test(.enabled(if: TmuxSession.isAvailable, "needs tmux")) func theProgressBarFitsAnEightyColumnTerminal() async throws {
        let setup = try await setup()
        // The harness sends standard error to a file; the bar is drawn only on a terminal, so it goes to the pane,
        // which stays open (the session is killed with the test) for the screen to be read.
        let command = "\(RingsideBinary.url.path) warm cache-b --from cache-a --config \(setup.fleetFile) --yes --rate 150 --batch 10 2>&1; sleep 60"
        let session = try TmuxSession(command: "/bin/sh -c \(TmuxSession.quote(command))", width: 80, height: 24)
        let done = await session.waitFor(timeout: .seconds(20)) { $0.contains("written keys read back") }
        #expect(done.held, "\(done.screen)\n\(session.diagnostics)")
        let leftOver = done.screen.split(separator: "\n").filter { $0.hasPrefix("[") || $0.hasPrefix("xpired") || $0.contains("ETA") }
        #expect(leftOver.isEmpty, "bar lines left on the screen: \(leftOver)")
        #expect(done.screen.contains("scanned 301: copied 301"), "\(done.screen)")
    }
}
