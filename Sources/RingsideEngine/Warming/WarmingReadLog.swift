import Foundation
import RingsideCore
import Synchronization

/// The warms of an audit log that read cache nodes, for `status` and the console (which asks every few
/// seconds): finished ones from the log's lines, running ones from its in-flight records. The log is read
/// without changing it (no recovery of interrupted actions), and its lines are parsed again only when the file
/// has changed since the last ask: a long-lived log grows by a line per action, and the console would otherwise
/// decode all of it every time.
public final class WarmingReadLog: Sendable {
    public let log: AuditLog
    private struct Parsed {
        var size: UInt64
        var modified: Date
        /// Only the lines of warms: the others never mark a node.
        var warms: [AuditRecord]
    }
    private let parsed = Mutex<Parsed?>(nil)

    public init(log: AuditLog) {
        self.log = log
    }

    public func reads(during window: ClosedRange<Date>) -> [WarmingRead] {
        WarmingRead.from(logged: loggedWarms(), underWay: log.underWay(), touching: window)
    }

    private func loggedWarms() -> [AuditRecord] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: log.path)
        let size = (attributes?[.size] as? NSNumber)?.uint64Value ?? 0, modified = attributes?[.modificationDate] as? Date ?? .distantPast
        if let cached = parsed.withLock({ $0 }), cached.size == size, cached.modified == modified { return cached.warms }
        let warms = ((try? log.recorded().records) ?? []).filter { $0.readsFrom != nil }
        parsed.withLock { $0 = Parsed(size: size, modified: modified, warms: warms) }
        return warms
    }
}
