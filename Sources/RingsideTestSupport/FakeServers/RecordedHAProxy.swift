import Foundation
import RingsideCore
import RingsideWire

/// A real HAProxy (backend `be_app`, servers app-1…3, unchecked) behind a recording proxy, and a fleet file that
/// names the proxy as balancer `edge`: every byte ringside sends it is kept, to prove what was (not) sent.
public struct RecordedHAProxy: Sendable {
    public let haproxy: Daemon
    public let proxy: RecordingProxy
    public let directory: URL
    public var fleetFile: String { directory.appendingPathComponent("fleet.yaml").path }
    public var auditLog: String { directory.appendingPathComponent("audit.jsonl").path }

    /// The commands that change a server, in every form the Runtime API has.
    public static let mutatingVerbs = ["set ", "shutdown ", "enable ", "disable ", "add ", "del ", "clear ", "commit ", "new "]

    /// - Parameters:
    ///   - fleetSettings: top-level lines for the fleet file (`read_only: true`, `polling: …`).
    ///   - holdingChanges: the proxy never passes a change on (HAProxy seems to hang on it).
    public static func start(fleetSettings: [String] = [], holdingChanges: Bool = false) async throws -> RecordedHAProxy {
        let haproxy = try Daemons.haproxy(backends: [
            HAProxyBackendSpec(name: "be_app", servers: (1...3).map { .init(name: "app-\($0)", port: freeLoopbackPort(), checked: false) }),
        ])
        let proxy = try await RecordingProxy(upstreamPort: haproxy.port) { line in holdingChanges && line.hasPrefix("set server") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-recorded-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let recorded = RecordedHAProxy(haproxy: haproxy, proxy: proxy, directory: directory)
        let lines = ["fleet: t"] + fleetSettings + ["audit_log: \(recorded.auditLog)", "balancers:", "  - { name: edge, kind: haproxy, address: 127.0.0.1:\(proxy.port) }"]
        try (lines.joined(separator: "\n") + "\n").write(toFile: recorded.fleetFile, atomically: true, encoding: .utf8)
        return recorded
    }

    /// The lines sent that would change a server (`set severity-output` only sets the session's error format).
    public var changesSent: [String] {
        proxy.lines.filter { line in Self.mutatingVerbs.contains { line.hasPrefix($0) } && !line.hasPrefix("set severity-output") }
    }

    /// What HAProxy has for the server now, through a connection of the test's own.
    public func state(_ server: String) async throws -> HAProxyRuntimeState? {
        let client = HAProxyClient(host: "127.0.0.1", port: haproxy.port, limits: WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(2)))
        defer { _ = client.close() }
        return try await client.poll().get().backends.first?.servers.first { $0.name == server }?.runtime
    }
}
