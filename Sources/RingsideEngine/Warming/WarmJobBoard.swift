import Foundation
import RingsideCore
import Synchronization

/// The warms one console started: how each is getting on while it runs, its report once it is done, and the
/// switch that cancels it. Written by the jobs' tasks, read by the console loop every frame.
public final class WarmJobBoard: Sendable {
    public struct Job: Sendable, Equatable {
        public var id: Int
        /// How the audit log names it (`warm cache-b from cache-a (clone)`).
        public var title: String
        public var startedAt: Date
        public var progress: WarmProgress?
        public var report: WarmReport?
        /// Cancel was asked for; the batches in flight still finish.
        public var cancelling = false

        public var isRunning: Bool { report == nil }
    }

    private struct Entry {
        var job: Job
        let control: WarmControl
    }

    private let entries = Mutex<[Entry]>([])
    /// Finished jobs kept for their reports; running jobs are never dropped.
    private let finishedKept: Int

    public init(finishedKept: Int = 50) {
        self.finishedKept = finishedKept
    }

    /// Registers a job about to run; returns its id and the control its run must be given.
    public func start(_ title: String, at time: Date = Date()) -> (id: Int, control: WarmControl) {
        let control = WarmControl()
        let id = entries.withLock { entries in
            let id = (entries.last?.job.id ?? 0) + 1
            entries.append(Entry(job: Job(id: id, title: title, startedAt: time), control: control))
            return id
        }
        return (id, control)
    }

    public func update(_ id: Int, _ progress: WarmProgress) {
        entries.withLock { entries in
            if let index = entries.firstIndex(where: { $0.job.id == id }) { entries[index].job.progress = progress }
        }
    }

    public func finish(_ id: Int, _ report: WarmReport) {
        entries.withLock { entries in
            if let index = entries.firstIndex(where: { $0.job.id == id }) { entries[index].job.report = report }
            while entries.filter({ !$0.job.isRunning }).count > finishedKept, let oldest = entries.firstIndex(where: { !$0.job.isRunning }) {
                entries.remove(at: oldest)
            }
        }
    }

    /// Stops job `id` after its batches in flight; `false` when it is not running (unknown or done).
    @discardableResult
    public func cancel(_ id: Int) -> Bool {
        entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.job.id == id }), entries[index].job.isRunning else { return false }
            entries[index].control.cancel()
            entries[index].job.cancelling = true
            return true
        }
    }

    /// Every job, oldest first.
    public var jobs: [Job] { entries.withLock { $0.map(\.job) } }
}
