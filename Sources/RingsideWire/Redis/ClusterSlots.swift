import NIOCore
import RingsideCore

/// One range of `CLUSTER SLOTS`: the slots and the master serving them (`host:port`), with its node id.
public struct ClusterSlotRange: Sendable, Equatable {
    public var slots: ClosedRange<Int>
    public var master: String
    public var nodeID: String?
    public var replicas: [String]
}

public enum ClusterSlots {
    /// Parses a `CLUSTER SLOTS` reply: `[[start, end, [host, port, id, …], replica…], …]` (RESP2 and RESP3).
    public static func parse(_ reply: RESPValue) throws -> [ClusterSlotRange] {
        if case let .error(message) = reply { throw WireError.serverError(message) }
        guard case let .array(ranges) = reply else { throw WireError.malformedReply("CLUSTER SLOTS did not answer with an array") }
        return try ranges.map { range in
            guard case let .array(fields) = range, fields.count >= 3,
                  case let .integer(start) = fields[0], case let .integer(end) = fields[1], start <= end
            else { throw WireError.malformedReply("a CLUSTER SLOTS entry is not [start, end, master, …]") }
            let nodes = try fields.dropFirst(2).map(node)
            return ClusterSlotRange(slots: Int(start)...Int(end), master: nodes[0].address, nodeID: nodes[0].id, replicas: nodes.dropFirst().map(\.address))
        }
    }

    private static func node(_ value: RESPValue) throws -> (address: String, id: String?) {
        guard case let .array(fields) = value, fields.count >= 2, let host = fields[0].text, case let .integer(port) = fields[1] else {
            throw WireError.malformedReply("a CLUSTER SLOTS node is not [host, port, …]")
        }
        let id = fields.count > 2 ? fields[2].text : nil
        return (HostPort(host: host, port: Int(port)).description, id)
    }
}

extension RedisClient {
    /// Sends one command and returns its reply (an error reply is returned, not thrown).
    public func command(_ arguments: [String]) -> EventLoopFuture<RESPValue> {
        connection.exchange(ByteBuffer(bytes: RESP.command(arguments)), framing: RESP.framing).flatMapThrowing { try Self.value($0[0]) }
    }
}
