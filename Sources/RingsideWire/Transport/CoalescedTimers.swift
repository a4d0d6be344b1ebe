import NIOCore
import Synchronization

/// Something woken by a coalesced timer: the poller (for its next poll) or a reply collector (for its deadline).
///
/// A target and a token rather than a closure: a closure is an allocation per timer, and with 500 polls due
/// together those allocations miss malloc's per-thread cache.
public protocol CoalescedTimerTarget: AnyObject {
    /// Called on the loop when the timer scheduled with `token` comes due. Timers are never cancelled, so the
    /// target checks the token against its current state and ignores a timer that is no longer wanted.
    func timerFired(token: Int)
}

/// The timers of one event loop, rounded up to a coarse grid so that those falling together share one NIO timer.
///
/// A thousand endpoints polled every second each want a timer for their next poll and one for the deadline of
/// the request in flight. As NIO timers that is two scheduled tasks per poll, each with its promise, and a
/// cancellation that searches the loop's timer heap; together they were a tenth of ringside's CPU. Endpoints
/// polled at the same cadence fall due together, so rounded to `granularity` they share one NIO timer per
/// loop. A timer fires at most `granularity` late, never early.
///
/// Timers are not cancelled: a target checks when woken whether it still wants the timer (a reply came, the
/// poller stopped). All state is touched only on the loop.
public final class CoalescedTimers: Sendable {
    public static let granularity = TimeAmount.milliseconds(5)
    /// Enough for the slots pending at once in steady polling (next polls and reply deadlines, a few each).
    private static let keptSpares = 16

    private let eventLoop: any EventLoop
    private let slots: NIOLoopBoundBox<Slots>

    private typealias Wake = (target: any CoalescedTimerTarget, token: Int)

    private struct Slots {
        /// Whom to wake, by the grid slot they are due at (a slot is a multiple of `granularity` since the loop's
        /// clock began).
        var due: [UInt64: [Wake]] = [:]
        /// Emptied lists, reused for new slots: growing a fresh list to 500 entries every slot meant allocations
        /// big enough to make malloc consolidate its free lists, a few percent of ringside's CPU.
        var spare: [[Wake]] = []
    }

    private static let perLoop = Mutex<[ObjectIdentifier: CoalescedTimers]>([:])

    /// The timers of `eventLoop` (one set per loop, kept for the life of the process).
    public static func on(_ eventLoop: any EventLoop) -> CoalescedTimers {
        perLoop.withLock { timers in
            if let existing = timers[ObjectIdentifier(eventLoop)] { return existing }
            let created = CoalescedTimers(eventLoop: eventLoop)
            timers[ObjectIdentifier(eventLoop)] = created
            return created
        }
    }

    private init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        slots = NIOLoopBoundBox.makeBoxSendingValue(Slots(), eventLoop: eventLoop)
    }

    /// Wakes `target` with `token` on the loop at `deadline` or at most `granularity` after it. The target is
    /// held until then. Call on the loop.
    public func schedule(at deadline: NIODeadline, wake target: any CoalescedTimerTarget, token: Int) {
        let step = UInt64(Self.granularity.nanoseconds)
        let (whole, part) = min(deadline.uptimeNanoseconds, UInt64.max / 2).quotientAndRemainder(dividingBy: step)
        let slot = part == 0 ? whole : whole + 1
        if slots.value.due[slot] != nil {
            slots.value.due[slot]!.append((target, token))  // in place: 500 polls share a slot
            return
        }
        var wakes = slots.value.spare.popLast() ?? []
        wakes.append((target, token))
        slots.value.due[slot] = wakes
        eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(slot * step)) {
            guard var due = self.slots.value.due.removeValue(forKey: slot) else { return }
            for wake in due { wake.target.timerFired(token: wake.token) }
            due.removeAll(keepingCapacity: true)
            if self.slots.value.spare.count < Self.keptSpares { self.slots.value.spare.append(due) }
        }
    }
}
