import Foundation
import Synchronization

/// A child process spawned with `posix_spawn` and reaped with `waitpid`: deterministic start and stop, unlike
/// Foundation's `Process`, whose exit notification can lag by seconds on a busy cooperative pool.
public final class ChildProcess: Sendable {
    /// Where the child's standard input, output and error go.
    public enum Stdio: Sendable {
        /// stdin from /dev/null, stdout and stderr appended to a file.
        case log(String)
        /// Everything to /dev/null.
        case discard
        /// stdin from /dev/null, stdout and stderr each to its own file.
        case files(stdout: String, stderr: String)
        /// stdin and stdout on an open descriptor (a pseudo-terminal's slave side), stderr to a file.
        case terminal(descriptor: Int32, stderr: String)
    }

    public let pid: pid_t
    /// The raw `waitpid` status once the process has been reaped.
    private let exited = Mutex<Int32?>(nil)

    public init(executable: String, arguments: [String], stdio: Stdio, environment: [String: String]? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch stdio {
        case let .log(path):
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case let .files(stdout, stderr):
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case let .terminal(descriptor, stderr):
            posix_spawn_file_actions_adddup2(&actions, descriptor, 0)
            posix_spawn_file_actions_adddup2(&actions, descriptor, 1)
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .discard:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, env)
        guard result == 0 else { throw SpawnError(executable: executable, reason: String(cString: strerror(result))) }
        self.pid = pid
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var reason: String
        public var description: String { "cannot start \(executable): \(reason)" }
    }

    /// Whether the process is still alive (reaps it if it has exited).
    public var isRunning: Bool {
        exited.withLock { exited in
            if exited == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { exited = status }
            }
            return exited == nil
        }
    }

    /// Waits for the process to exit without blocking a thread, and returns its exit code (128 + the signal
    /// when a signal ended it, as shells report it).
    ///
    /// A process still running after `limit`, or when the waiting task is cancelled, is killed: a hung child fails
    /// its test instead of holding the whole run (and a cancelled wait must not spin on a `Task.sleep` that
    /// throws at once).
    public func exitCode(killingAfter limit: Duration = .seconds(600)) async -> Int32 {
        let deadline = ContinuousClock.now + limit
        while isRunning {
            guard !Task.isCancelled, ContinuousClock.now < deadline else {
                stop()
                break
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let status = exited.withLock { $0 } ?? 0
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Sends `signal` (SIGKILL by default) and reaps the process.
    public func stop(signal: Int32 = SIGKILL) {
        exited.withLock { exited in
            guard exited == nil else { return }
            kill(pid, signal)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            exited = status
        }
    }

    deinit { stop() }
}
