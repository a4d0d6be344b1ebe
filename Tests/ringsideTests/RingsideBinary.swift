import Foundation
import RingsideTestSupport

/// Runs the built `ringside` executable and captures what it prints.
struct RingsideBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable next to the test bundle in the build folder.
    static var url: URL {
        var directory = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("ringside").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("ringside")
    }

    /// Runs the binary to completion without blocking a thread (the test pool has as many threads as cores).
    /// `stdin`, when given, is piped to the binary through a shell.
    /// A run still going after `limit` is killed, and its result says so.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, stdin: String? = nil, limit: Duration = .seconds(180)
    ) async throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = scratch.appendingPathComponent("state").path
        env.merge(environment) { $1 }
        let out = scratch.appendingPathComponent("stdout").path, err = scratch.appendingPathComponent("stderr").path
        // ChildProcess starts in this process's directory; a different one goes through a shell `cd`.
        var (executable, argv) = directory.map { ("/bin/sh", ["-c", "cd \(TmuxSession.quote($0.path)) && exec \"$0\" \"$@\"", url.path] + arguments) }
            ?? (url.path, arguments)
        if let stdin {
            env["RINGSIDE_TEST_STDIN"] = stdin
            (executable, argv) = ("/bin/sh", ["-c", "printf '%s' \"$RINGSIDE_TEST_STDIN\" | \"$0\" \"$@\"", url.path] + arguments)
        }
        let child = try ChildProcess(executable: executable, arguments: argv, stdio: .files(stdout: out, stderr: err), environment: env)
        let started = ContinuousClock.now
        let status = await child.exitCode(killingAfter: limit)
        let killed = ContinuousClock.now - started >= limit ? "\n[test harness: ringside \(arguments.joined(separator: " ")) was killed after \(limit)]" : ""
        return Result(
            status: status, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: ((try? String(contentsOfFile: err, encoding: .utf8)) ?? "") + killed)
    }
}
