import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// nutcracker run as operators run it: daemonized with a pid file, so that a shell command can restart it (the
/// fleet file's `apply_command`) while the test watches. Its config is a file the test may read back.
public final class RestartableNutcracker: Sendable {
    public let directory: URL
    public let configPath: String
    public let listenPort: Int
    public let statsPort: Int
    private let pidFile: String
    private let start: String

    /// One ketama pool `alpha` over `servers` (`(name, port)`, weight 1 each), written with a comment per line.
    public init(servers: [(name: String, port: Int)]) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-nutcracker-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configPath = directory.appendingPathComponent("nutcracker.yml").path
        pidFile = directory.appendingPathComponent("nutcracker.pid").path
        (listenPort, statsPort) = (freeLoopbackPort(), freeLoopbackPort())
        try Self.config(listen: listenPort, servers: servers).write(toFile: configPath, atomically: true, encoding: .utf8)
        start = "nutcracker -d -c \(configPath) -s \(statsPort) -a 127.0.0.1 -p \(pidFile) -o \(directory.path)/nutcracker.log -i 200"
        guard system(start) == 0 else { throw ChildProcess.SpawnError(executable: "nutcracker", reason: "did not start: \(start)") }
        let deadline = ContinuousClock.now + .seconds(5)
        while !Self.accepts(statsPort) {
            guard ContinuousClock.now < deadline else { throw ChildProcess.SpawnError(executable: "nutcracker", reason: "its stats port \(statsPort) never listened") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    deinit { _ = system("kill $(cat \(pidFile)) 2>/dev/null") }

    public static func config(listen: Int, servers: [(name: String, port: Int)]) -> String {
        """
        # the test pool; this comment must survive a rewrite
        alpha:
          listen: 127.0.0.1:\(listen)
          hash: fnv1a_64
          distribution: ketama
          timeout: 400
          servers:
        \(servers.enumerated().map { "   - 127.0.0.1:\($1.port):1 \($1.name)   # cache \($0 + 1)" }.joined(separator: "\n"))

        """
    }

    /// Stops it, waits for it to be gone, starts it again on the same config: an `apply_command`.
    public var restartCommand: String {
        "kill $(cat \(pidFile)); while kill -0 $(cat \(pidFile)) 2>/dev/null; do sleep 0.05; done; \(start)"
    }

    /// A TCP connect to the port succeeds.
    public static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }
}
