import Foundation
import RingsideCore

extension AuditLog {
    /// The warms of this log that read a cache node during `window`: finished ones from their lines, running ones
    /// from their in-flight records. Reads the log without changing it (no recovery of interrupted actions).
    public func warmingReads(during window: ClosedRange<Date>) -> [WarmingRead] {
        WarmingRead.from(logged: (try? recorded().records) ?? [], underWay: underWay(), touching: window)
    }
}
