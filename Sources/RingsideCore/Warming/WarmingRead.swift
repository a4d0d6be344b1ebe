import Foundation

/// A time a warm read a cache node. Its reads count as hits in the node's own counters, so a hit ratio measured
/// then says more about the warm than about the clients: the console and `status --json` mark it.
public struct WarmingRead: Sendable, Hashable, Codable {
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
    /// records (one whose line is already written is finished: `finish` writes the line before it clears the
    /// record). An interrupted warm's end is unknown: it is left out. Only those that touch `window`, oldest first.
    public static func from(logged: [AuditRecord], underWay: [AuditRecord], touching window: ClosedRange<Date>) -> [WarmingRead] {
        let finished = logged.filter { $0.result != .interrupted }
        let finishedIDs = Set(finished.map(\.id))
        let spans = finished.map { ($0, until: Optional($0.time.addingTimeInterval(($0.durationMs ?? 0) / 1000))) }
            + underWay.filter { !finishedIDs.contains($0.id) }.map { ($0, until: Date?.none) }
        let reads = spans.flatMap { record, until in
            (record.readsFrom ?? []).map { WarmingRead(job: record.action, node: $0, since: record.time, until: until) }
        }
        return reads.filter { $0.since <= window.upperBound && ($0.until ?? .distantFuture) >= window.lowerBound }.sorted { $0.since < $1.since }
    }

    /// Whether the node was being read at `time`.
    public func covers(_ time: Date) -> Bool { since <= time && time <= (until ?? .distantFuture) }
}
