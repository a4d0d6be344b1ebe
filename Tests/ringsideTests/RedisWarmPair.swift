import Foundation
import RingsideTestSupport
import RingsideWire

/// Two real Redis nodes for the warm tests: `cache-a` with 300 keys of a 600 s TTL and one more key without a
/// TTL, `cache-b` empty, and a fleet file naming both (with an audit log of its own).
struct RedisWarmPair {
    let source: Daemon
    let target: Daemon
    let fleetFile: String
    let directory: URL

    /// - Parameters: `lastKey` is the key without a TTL; `fleetSettings` go at the top of the fleet file.
    static func start(_ scratch: String, lastKey: String, fleetSettings: [String] = []) async throws -> RedisWarmPair {
        let (source, target) = try await offCooperativePool { (try Daemons.redis(), try Daemons.redis()) }
        try await CacheTraffic.redisCommands(port: source.port, (0..<300).map { ["SET", "k:\($0)", "v", "EX", "600"] } + [["SET", lastKey, "h"]])
        let directory = try Daemon.scratchDirectory(scratch)
        let fleetFile = directory.appendingPathComponent("fleet.yaml").path
        try (["fleet: warm"] + fleetSettings + [
            "audit_log: \(directory.appendingPathComponent("audit.jsonl").path)",
            "nodes:",
            "  - { name: cache-a, kind: redis, address: 127.0.0.1:\(source.port) }",
            "  - { name: cache-b, kind: redis, address: 127.0.0.1:\(target.port) }",
        ]).joined(separator: "\n").write(toFile: fleetFile, atomically: true, encoding: .utf8)
        return RedisWarmPair(source: source, target: target, fleetFile: fleetFile, directory: directory)
    }

    /// `DBSIZE` of the target.
    func keysOnTarget() async throws -> RESPValue {
        try await CacheTraffic.redisCommands(port: target.port, [["DBSIZE"]])[0]
    }
}
