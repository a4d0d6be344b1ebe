import Foundation
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing

/// The console in tmux against a real HAProxy behind a recording proxy, as an on-call engineer drains a server.
@Suite(.serialized, .heavy, .enabled(if: TmuxSession.isAvailable && DaemonKind.haproxy.shouldRunLiveTests, "needs tmux and haproxy"))
struct ConsoleActionEndToEndTests {
    func setup() async throws -> RecordedHAProxy {
        try await RecordedHAProxy.start(fleetSettings: ["polling: { interval: 300ms, timeout: 1s }"])
    }

    /// The screen line of a server row.
    static func row(_ screen: String, _ server: String) -> String { screen.split(separator: "\n").first { $0.hasPrefix(" \(server) ") }.map(String.init) ?? "" }

    @Test func enterCancelsTheDrainAndTabEnterAppliesItVerifiedAndAudited() async throws {
        let setup = try await setup()
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(setup.fleetFile)", width: 100, height: 30)
        session.send("3")
        #expect(await session.waitFor { Self.row($0, "app-2").contains("no check") }.held, "\(session.diagnostics)")
        session.send("j")
        session.send("d")
        let dialog = await session.waitFor { $0.contains("[ Cancel ]") && $0.contains("send    set server be_app/app-2 state drain") }
        #expect(dialog.held, "\(dialog.screen)")
        session.send("Enter")
        #expect(await session.waitFor { $0.contains("cancelled: drain edge/be_app/app-2; nothing was sent") }.held)
        #expect(try await setup.state("app-2")?.forcedState == .ready, "Enter alone changed nothing")
        #expect(setup.changesSent.isEmpty)
        session.send("d")
        #expect(await session.waitFor { $0.contains("[ Cancel ]") }.held)
        session.send("Tab")
        session.send("Enter")
        let applied = await session.waitFor { $0.contains("applied: drain edge/be_app/app-2") && Self.row($0, "app-2").contains("DRAIN") }
        #expect(applied.held, "\(applied.screen)")
        #expect(setup.changesSent == ["set server be_app/app-2 state drain"])
        #expect(try await setup.state("app-2")?.forcedState == .drain, "show servers state agrees")
        let audit = try String(contentsOfFile: setup.auditLog, encoding: .utf8)
        // One line per action: the cancelled one, then the applied one.
        let lines = audit.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].contains("\"result\":\"cancelled\"") && lines[1].contains("\"result\":\"applied\""), "\(audit)")
        #expect(lines.allSatisfy { $0.contains("drain edge/be_app/app-2") })
        session.send("q")
        #expect(await session.waitForExit())
    }

    @Test func aReadOnlyConsoleSendsNoChangeWhateverKeysAndCommandsAreTried() async throws {
        let setup = try await setup()
        let session = try TmuxSession(command: "\(RingsideBinary.url.path) --config \(setup.fleetFile) --read-only", width: 100, height: 30)
        session.send("3")
        #expect(await session.waitFor { Self.row($0, "app-1").contains("no check") }.held, "\(session.diagnostics)")
        for key in ["d", "m", "u", "+", "-", "}", "{", "i", "F4", "F5", "F6", "F7", "F8", "W", "Enter", "Tab", "Enter"] {
            session.send(key)
        }
        for line in [":drain edge/be_app/app-1", ":maint edge/be_app/app-2", ":weight edge/be_app/app-3 0", ":ready edge/be_app/app-1"] {
            session.send(line)
            session.send("Enter")
        }
        #expect(await session.waitFor { $0.contains("read-only (--read-only): ready edge/be_app/app-1 is refused") }.held)
        #expect(await session.waitFor { $0.contains("READ-ONLY") }.held)
        #expect(!setup.proxy.lines.isEmpty, "the console polled through the proxy")
        #expect(setup.changesSent.isEmpty, "\(setup.changesSent)")
        #expect(try await setup.state("app-1")?.forcedState == .ready)
        session.send("q")
        #expect(await session.waitForExit())
    }
}
