import Foundation
import RingsideCore
import RingsideEngine

/// The warms reading cache nodes, refreshed every few seconds, and an event when one starts or ends: the reads
/// count in the node's hit ratio, which would otherwise look like the cache getting better for no reason.
struct WarmingWatch {
    private(set) var reads: [WarmingRead] = []
    private var asked = Date.distantPast
    /// An ask whose answer has not come: the log is not read twice at once, however slow it is.
    private var waiting = false
    /// The reads running at the last refresh.
    private var running: Set<WarmingRead> = []

    /// Whether to ask again: every 2 s, once the last answer has come (it comes by mail).
    mutating func due(now: Date = Date()) -> Bool {
        guard !waiting, now.timeIntervalSince(asked) >= 2 else { return false }
        (asked, waiting) = (now, true)
        return true
    }

    mutating func update(_ fresh: [WarmingRead]) -> [FleetEvent] {
        waiting = false
        reads = fresh
        let nowRunning = Set(fresh.filter { $0.until == nil })
        var events = nowRunning.subtracting(running).sorted { $0.since < $1.since }.map { read in
            FleetEvent(at: read.since, endpoint: read.node, kind: .action, message: "\(read.node) is read by '\(read.job)': its hit ratio counts those reads")
        }
        events += running.subtracting(nowRunning).sorted { $0.since < $1.since }.map { read in
            FleetEvent(at: Date(), endpoint: read.node, kind: .action, message: "'\(read.job)' no longer reads \(read.node)")
        }
        running = nowRunning
        return events
    }
}
