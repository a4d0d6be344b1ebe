import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built binary running in a private tmux server, for end-to-end tests of the real terminal.
///
/// tmux is driven through `system()` with its output in a file: Foundation's `Process` never sees `new-session`
/// exit, because the tmux server it forks inherits the pipe (swiftlang/swift-corelibs-foundation#4795).
public final class TmuxSession {
    public static var isAvailable: Bool {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public let directory: URL
    private let socket: String

    public init(command: String, width: Int = 80, height: Int = 24, environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-tmux-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        socket = directory.appendingPathComponent("tmux.sock").path
        var env = ["LANG": "C.UTF-8", "TERM": "tmux-256color", "XDG_STATE_HOME": directory.path]
        env.merge(environment) { $1 }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let script = directory.appendingPathComponent("run.sh")
        // The program's stderr and exit status land beside the socket, for `diagnostics` when a test fails.
        let stderr = directory.appendingPathComponent("stderr.txt").path, status = directory.appendingPathComponent("status.txt").path
        // `swift test` sets NO_COLOR for its children: a session gets it only when a test asks for it.
        // After the program, the terminal's settings as it left them (`stty -a`): whether it was restored.
        let settings = directory.appendingPathComponent("stty.txt").path
        // The script outlives Ctrl-C and hang-ups sent to the pane's process group (a handler, not an ignore, so
        // the program starts with the default dispositions).
        try "trap : INT TERM HUP\nenv -u NO_COLOR \(assignments) \(command) 2> \(Self.quote(stderr))\nstatus=$?\nstty -a > \(Self.quote(settings)) 2>&1\necho \"exit status $status\" > \(Self.quote(status))\n"
            .write(to: script, atomically: true, encoding: .utf8)
        // The script is read by `sh`, never executed itself: a process forked by another test while the script
        // was being written inherits its write descriptor, and while any process holds one, `execve` of the file
        // fails with ETXTBSY. That was the "session never started" seen under parallel runs (a daemon started
        // in that window keeps the descriptor for good, so every retry failed too).
        // Starting the terminal is still the harness's job: an attempt that shows no session in half a second
        // is started over on a fresh server.
        for _ in 0..<6 {
            _ = tmux("new-session -d -s app -x \(width) -y \(height) \(Self.quote("/bin/sh \(Self.quote(script.path))"))")
            for _ in 0..<10 {
                if isRunning || FileManager.default.fileExists(atPath: status) { return }
                usleep(50_000)
            }
            _ = tmux("kill-server")
        }
    }

    deinit {
        _ = tmux("kill-server")
        try? FileManager.default.removeItem(at: directory)
    }

    /// The screen as text (`escapes`: with attributes and colours as escape sequences).
    public func capture(escapes: Bool = false) -> String { tmux("capture-pane -p \(escapes ? "-e " : "")-t app") }

    public func send(_ keys: String...) { _ = tmux("send-keys -t app \(keys.map(Self.quote).joined(separator: " "))") }

    public func resize(width: Int, height: Int) { _ = tmux("resize-window -t app -x \(width) -y \(height)") }

    public var isRunning: Bool { tmux("list-sessions").contains("app:") }

    /// Polls the screen every 50 ms until `condition` holds; returns the last screen and whether it held.
    @discardableResult
    public func waitFor(timeout: Duration = .seconds(5), _ condition: (String) -> Bool) async -> (held: Bool, screen: String) {
        let deadline = ContinuousClock.now + timeout
        var screen = capture()
        while !condition(screen) {
            guard ContinuousClock.now < deadline else { return (false, screen) }
            try? await Task.sleep(for: .milliseconds(50))
            screen = capture()
        }
        return (true, screen)
    }

    /// What the program said on stderr and how it exited, if it has: to explain a failed expectation.
    public var diagnostics: String {
        let stderr = (try? String(contentsOf: directory.appendingPathComponent("stderr.txt"), encoding: .utf8)) ?? ""
        let status = (try? String(contentsOf: directory.appendingPathComponent("status.txt"), encoding: .utf8)) ?? "still running"
        let sessions = tmux("list-sessions")
        return "\(status.trimmingCharacters(in: .whitespacesAndNewlines)); stderr: \(stderr.suffix(400)); tmux: \(sessions.isEmpty ? "no session" : sessions)"
    }

    /// How the program exited (128 + the signal when one ended it), once it has.
    public var exitStatus: Int32? {
        let text = (try? String(contentsOf: directory.appendingPathComponent("status.txt"), encoding: .utf8)) ?? ""
        return Int32(text.replacingOccurrences(of: "exit status", with: "").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// What the program wrote to standard error.
    public var standardError: String { (try? String(contentsOf: directory.appendingPathComponent("stderr.txt"), encoding: .utf8)) ?? "" }

    /// The terminal's settings (`stty -a`) after the program exited.
    public var terminalSettingsAfterExit: String {
        (try? String(contentsOf: directory.appendingPathComponent("stty.txt"), encoding: .utf8)) ?? ""
    }

    /// Waits until the session has ended (the program exited), 5 s at most.
    public func waitForExit() async -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    private func tmux(_ arguments: String) -> String {
        let output = directory.appendingPathComponent("tmux.out").path
        _ = system("tmux -S \(Self.quote(socket)) \(arguments) > \(Self.quote(output)) 2>/dev/null < /dev/null")
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    public static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
