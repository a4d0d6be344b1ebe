import Foundation

/// The real servers the live tests run, and the Debian package each comes from.
public enum DaemonKind: String, Sendable, CaseIterable {
    case memcached
    case redis = "redis-server"
    case haproxy
    case nutcracker
    case nginx

    public var package: String {
        switch self {
        case .memcached: "memcached"
        case .redis: "redis-server"
        case .haproxy: "haproxy"
        case .nutcracker: "nutcracker"
        case .nginx: "nginx-light"
        }
    }

    /// The executable, looked up on PATH and in the sbin directories (haproxy lives in /usr/sbin).
    public var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"]
        return directories.map { "\($0)/\(rawValue)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public var isInstalled: Bool { executable != nil }

    /// Whether a live test needing this daemon should run. Under CI (`CI=true`) always: a missing daemon then fails
    /// the run instead of skipping it, so a green CI has exercised the real servers.
    public var shouldRunLiveTests: Bool { isInstalled || isCI }

    /// The skip message for a developer machine without the daemon.
    public var missingMessage: String { "\(rawValue) is not installed: apt-get install \(package)" }
}

/// True when running under CI (`CI=true`).
public let isCI = ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
