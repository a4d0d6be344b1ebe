import Foundation
import RingsideCore

/// The twemproxy stats document: top-level fields, then one object per pool holding pool counters and one
/// object per server.
public enum TwemproxyStatsParser {
    private static let topLevelFields: Set<String> = [
        "service", "source", "version", "uptime", "timestamp", "total_connections", "curr_connections",
    ]

    public static func parse(_ bytes: [UInt8]) throws -> TwemproxySnapshot {
        guard !bytes.isEmpty else { throw WireError.malformedReply("the stats port closed without sending a document") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw WireError.malformedReply("stats document is not JSON")
        }
        guard let document = object as? [String: Any], document["service"] as? String == "nutcracker" else {
            throw WireError.malformedReply("not a twemproxy stats document (no \"service\": \"nutcracker\")")
        }
        var pools: [TwemproxyPool] = []
        for (name, value) in document where !topLevelFields.contains(name) {
            guard let fields = value as? [String: Any] else { continue }
            var pool = TwemproxyPool(
                name: name, clientConnections: number(fields["client_connections"]), serverEjects: number(fields["server_ejects"]),
                forwardErrors: number(fields["forward_error"]))
            for (serverName, serverValue) in fields {
                guard let server = serverValue as? [String: Any] else { continue }
                pool.servers.append(
                    TwemproxyServer(
                        name: serverName, ejectedAtMicroseconds: number(server["server_ejected_at"]),
                        requests: number(server["requests"]), responses: number(server["responses"]),
                        serverErrors: number(server["server_err"]), timeouts: number(server["server_timedout"]),
                        eofs: number(server["server_eof"]), connections: number(server["server_connections"])))
            }
            pool.servers.sort { $0.name < $1.name }
            pools.append(pool)
        }
        return TwemproxySnapshot(
            version: document["version"] as? String ?? "?", uptimeSeconds: number(document["uptime"]),
            timestamp: number(document["timestamp"]), pools: pools.sorted { $0.name < $1.name })
    }

    private static func number(_ value: Any?) -> UInt64 {
        (value as? NSNumber)?.uint64Value ?? 0
    }
}
