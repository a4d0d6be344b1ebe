import NIOCore
import Synchronization

/// The timers of one event loop, rounded up to a coarse grid so that those falling together share one NIO timer.
///
/// A thousand endpoints polled every second each want a timer for their next poll and one for the deadline of
/// the request in flight. As NIO timers that is two scheduled tasks per poll, each with its promise, and a
/// cancellation that searches the loop's timer heap; together they were a tenth of ringside's CPU. Endpoints
/// polled at the same cadence fall due together, so rounded to `granularity` they share one NIO timer per
/// loop. A timer fires at most `granularity` late, never early.
///
/// Timers are not cancelled: an action checks when it runs whether it is still wanted (a reply came, the
/// poller stopped). All state is touched only on the loop.
public final class CoalescedTimers: Sendable {
    public static let granularity = TimeAmount.milliseconds(5)

    private let eventLoop: any EventLoop
    /// Actions by the grid slot they fire at (a slot is a multiple of `granularity` since the loop's clock began).
    private let slots: NIOLoopBoundBox<[UInt64: [() -> Void]]>

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
        slots = NIOLoopBoundBox.makeBoxSendingValue([:], eventLoop: eventLoop)
    }

    /// Runs `action` on the loop at `deadline` or at most `granularity` after it. Call on the loop.
    public func schedule(at deadline: NIODeadline, _ action: @escaping () -> Void) {
        let step = UInt64(Self.granularity.nanoseconds)
        let (whole, part) = min(deadline.uptimeNanoseconds, UInt64.max / 2).quotientAndRemainder(dividingBy: step)
        let slot = part == 0 ? whole : whole + 1
        let isNewSlot = slots.value[slot] == nil
        slots.value[slot, default: []].append(action)  // in place: 500 polls share a slot
        guard isNewSlot else { return }
        eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(slot * step)) {
            let due = self.slots.value.removeValue(forKey: slot) ?? []
            for action in due { action() }
        }
    }
}
