import Foundation

/// A time a warm read a cache node. Its reads count as hits in the node's own counters, so a hit ratio measured
/// then says more about the warm than about the clients: the console and `status --json` mark it.
public struct WarmingRead: Sendable, Equatable, Codable {
    /// `warm cache-b from cache-a (clone)`, as the audit log names it.
    public var job: String
    public var node: String
    public var since: Date
    /// `nil`: still reading.
    @Nullable public var until: Date?

    public init(job: String, node: String, since: Date, until: Date?) {
        self.job = job
        self.node = node
        self.since = since
        self.until = until
    }

    /// The reads of the audit log's warms: finished ones from their lines, running ones from their in-flight
    /// records (an interrupted one's end is unknown: it is left out). Only those that touch `window`, oldest first.
    public static func from(logged: [AuditRecord], underWay: [AuditRecord], touching window: ClosedRange<Date>) -> [WarmingRead] {
        let finished = logged.filter { $0.result != .interrupted }
        let reads = (finished + underWay).flatMap { record in
            (record.readsFrom ?? []).map { node in
                let running = underWay.contains { $0.id == record.id }
                let until = running ? nil : record.durationMs.map { record.time.addingTimeInterval($0 / 1000) } ?? record.time
                return WarmingRead(job: record.action, node: node, since: record.time, until: until)
            }
        }
        return reads.filter { $0.since <= window.upperBound && ($0.until ?? .distantFuture) >= window.lowerBound }.sorted { $0.since < $1.since }
    }

    /// Whether the node was being read at `time`.
    public func covers(_ time: Date) -> Bool { since <= time && time <= (until ?? .distantFuture) }
}
