import Foundation
import RingsideCore

/// Where the demo keeps redis-2's password. In this process's own environment by default: nothing is written,
/// so nothing is left behind on any way out. For `--serve`, whose fleet file another process reads, in a file
/// only this user can read, in a directory of its own, removed by `remove` (the serve command calls it on
/// SIGINT, SIGTERM and SIGHUP).
enum DemoPassword {
    static let variable = "RINGSIDE_DEMO_REDIS_PASSWORD"

    static func store(_ password: String, inAFile: Bool) throws -> SecretSource {
        guard inAFile else {
            setenv(variable, password, 1)
            return .environment(variable)
        }
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()
        let directory = URL(fileURLWithPath: base).appendingPathComponent("ringside-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent("redis-2.password").path
        guard FileManager.default.createFile(atPath: file, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw DemoError("cannot write the demo's password file \(file)")
        }
        return .file(file)
    }

    static func remove(_ source: SecretSource) {
        switch source {
        case let .environment(name): unsetenv(name)
        case let .file(path):
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        }
    }
}
