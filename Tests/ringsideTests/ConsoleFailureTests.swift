import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RingsideTestSupport
import Testing

/// What must hold when the console itself goes wrong: a stuck loop, a crash, the terminal vanishing. The binary
/// is told to fail with `RINGSIDE_FAILPOINT` (after its first frame), on one DOWN ad-hoc node.
@Suite(.serialized, .heavy, .enabled(if: TmuxSession.isAvailable, "needs tmux: apt-get install tmux"))
struct ConsoleFailureTests {
    static let command = "\(RingsideBinary.url.path) --memcached 127.0.0.1:1"

    /// The settings a restored terminal has again: line editing and echo (ncurses had turned both off).
    static func isRestored(_ settings: String) -> Bool {
        let flags = Set(settings.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        return flags.contains("icanon") && flags.contains("echo")
    }

    @Test func aStuckLoopStillEndsOnCtrlCWithTheTerminalRestored() async throws {
        let session = try TmuxSession(command: Self.command, environment: ["RINGSIDE_FAILPOINT": "console-stall"])
        let shown = await session.waitFor { $0.contains("127.0.0.1:1") }
        #expect(shown.held, "\(shown.screen) \(session.diagnostics)")
        let pressed = ContinuousClock.now
        session.send("q")
        session.send("C-c")
        #expect(await session.waitForExit(), "the watchdog ends a stuck console: \(session.diagnostics)")
        #expect(ContinuousClock.now - pressed < .seconds(4))
        #expect(session.exitStatus == 128 + SIGINT, "\(session.diagnostics)")
        #expect(session.standardError.contains("did not stop within a second of signal \(SIGINT)"), "\(session.diagnostics)")
        #expect(Self.isRestored(session.terminalSettingsAfterExit), "\(session.terminalSettingsAfterExit)")
    }

    @Test func aCrashMessageIsShownAfterTheTerminalIsRestored() async throws {
        let session = try TmuxSession(command: Self.command, environment: ["RINGSIDE_FAILPOINT": "console-crash"])
        #expect(await session.waitForExit(), "\(session.diagnostics)")
        // Written while curses ran, so captured; replayed by the crash handler after the restore.
        #expect(session.standardError.contains("failpoint console-crash"), "\(session.diagnostics)")
        #expect([128 + SIGILL, 128 + SIGTRAP].contains(session.exitStatus ?? 0), "dies of the trap: \(session.diagnostics)")
        #expect(Self.isRestored(session.terminalSettingsAfterExit), "\(session.terminalSettingsAfterExit)")
    }

    /// The pseudo-terminal is not the console's controlling terminal, so closing its other side sends no SIGHUP:
    /// only the console's own reading of its input can tell that the terminal has gone.
    @Test func aTerminalThatGoesAwayEndsTheConsoleAsOnSIGHUP() async throws {
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        #expect(openpty(&master, &slave, nil, nil, &size) == 0)
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        let stderr = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-gone-\(UUID().uuidString.prefix(8)).txt").path
        defer { unlink(stderr) }
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        environment["NO_COLOR"] = nil
        let child = try ChildProcess(
            executable: RingsideBinary.url.path, arguments: ["--memcached", "127.0.0.1:1"], stdio: .terminal(descriptor: slave, stderr: stderr),
            environment: environment)
        close(slave)
        // Read the screen until the node shows, so the console is in its loop.
        var screen = [UInt8]()
        let deadline = ContinuousClock.now + .seconds(10)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: screen, as: UTF8.self).contains("127.0.0.1:1"), ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let count = read(master, &buffer, buffer.count)
            if count > 0 { screen += buffer[0..<count] }
        }
        #expect(String(decoding: screen, as: UTF8.self).contains("127.0.0.1:1"), "\(String(decoding: screen, as: UTF8.self).suffix(300))")
        close(master)
        let gone = ContinuousClock.now
        while child.isRunning, ContinuousClock.now - gone < .seconds(5) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!child.isRunning, "the console noticed its terminal had gone")
        child.stop()
        #expect(await child.exitCode() == 128 + SIGHUP, "\((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "")")
    }
}
