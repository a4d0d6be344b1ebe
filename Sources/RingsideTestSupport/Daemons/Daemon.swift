import Foundation

/// A real server process on 127.0.0.1, started for a test and stopped when the last reference goes away.
public final class Daemon: Sendable {
    public let kind: DaemonKind
    /// The port its main protocol listens on (for HAProxy: the Runtime API; for nutcracker: the stats port).
    public let port: Int
    public let directory: URL
    private let process: ChildProcess

    public enum LaunchError: Error, CustomStringConvertible {
        case notInstalled(DaemonKind)
        case didNotStart(DaemonKind, String)

        public var description: String {
            switch self {
            case let .notInstalled(kind): kind.missingMessage
            case let .didNotStart(kind, log): "\(kind.rawValue) did not start answering: \(log)"
            }
        }
    }

    /// Starts `kind` with `arguments` and waits until every port in `readyPorts` accepts connections.
    public init(_ kind: DaemonKind, arguments: [String], port: Int, readyPorts: [Int]? = nil, host: String = "127.0.0.1", directory: URL) throws {
        guard let executable = kind.executable else { throw LaunchError.notInstalled(kind) }
        self.kind = kind
        self.port = port
        self.directory = directory
        let log = directory.appendingPathComponent("\(kind.rawValue).out").path
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        do {
            process = try ChildProcess(executable: executable, arguments: arguments, stdio: .log(log))
        } catch {
            throw LaunchError.didNotStart(kind, "\(error)")
        }
        let deadline = Date().addingTimeInterval(10)
        while !(readyPorts ?? [port]).allSatisfy({ isListening(port: $0, host: host) }) {
            guard isRunning, Date() < deadline else {
                stop()
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw LaunchError.didNotStart(kind, output.isEmpty ? "no output" : String(output.suffix(500)))
            }
            usleep(5_000)
        }
    }

    public var address: String { "127.0.0.1:\(port)" }

    public var pid: pid_t { process.pid }
    public var isRunning: Bool { process.isRunning }

    /// Kills the process (SIGKILL: test daemons hold nothing worth a graceful exit) and reaps it.
    public func stop() { process.stop() }

    /// A fresh directory for one daemon's files.
    public static func scratchDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
