import NIOCore
import RingsideCore
import RingsideWire

/// Polls one endpoint, on the event loop that owns its connection.
///
/// The poller, its client's connection and the channel share one event loop; a poll is a chain of callbacks and
/// the pause between polls is a timer of that loop, shared with the endpoints due at the same time. No task,
/// continuation or thread hop is involved per poll: with a thousand endpoints, those (not the protocol work)
/// were most of ringside's CPU.
final class EndpointPoller: CoalescedTimerTarget, Sendable {
    /// What `record` is told after each poll; it returns the endpoint's consecutive failures so far.
    typealias Recorder = @Sendable (Result<PollData, any Error>, Duration) -> Int

    /// The endpoint's position in the fleet.
    let index: Int
    let endpoint: Endpoint
    let source: any EndpointSource
    private let eventLoop: any EventLoop
    private let schedule: NIOLoopBoundBox<Schedule>
    /// Endpoints polled at the same cadence share one timer per loop.
    private let timers: CoalescedTimers

    /// The running loop's state; only touched on `eventLoop`.
    private struct Schedule {
        var running = false
        /// Bumped by every start and stop, so a next poll scheduled before a stop never runs after it.
        var generation = 0
        var pollInFlight = false
        /// Completed once a stopped loop has no poll in flight any more.
        var stopped: EventLoopPromise<Void>?
        /// Given by `start`; `record` is dropped by `stop`.
        var polling = PollSettings()
        var record: Recorder?
        /// When the next poll is due (the timer may wake the poller up to the timers' granularity later).
        var nextDue = NIODeadline.now()
    }

    init(index: Int, endpoint: Endpoint, sources: EndpointSourceFactory, polling: PollSettings, eventLoop: any EventLoop) {
        self.index = index
        self.endpoint = endpoint
        self.eventLoop = eventLoop
        self.source = sources.source(for: endpoint, polling: polling, on: eventLoop)
        schedule = NIOLoopBoundBox.makeBoxSendingValue(Schedule(), eventLoop: eventLoop)
        timers = CoalescedTimers.on(eventLoop)
    }

    /// Polls once and tells `completion`, on the endpoint's loop, what came back (or why nothing did) and how
    /// long it took.
    func poll(_ completion: @escaping @Sendable (Result<PollData, any Error>, Duration) -> Void) {
        let started = NIODeadline.now()
        source.poll { outcome in completion(outcome, Self.latency(since: started)) }
    }

    private static func latency(since started: NIODeadline) -> Duration {
        .nanoseconds((NIODeadline.now() - started).nanoseconds)
    }

    /// Polls until `stop()`: at a steady cadence while healthy (no drift from poll latency), backing off from
    /// now while failing. `record` publishes each outcome, except that of a poll cut short by `stop()`.
    func start(polling: PollSettings, record: @escaping Recorder) {
        eventLoop.execute {
            guard !self.schedule.value.running else { return }
            self.schedule.value.running = true
            self.schedule.value.generation += 1
            self.schedule.value.polling = polling
            self.schedule.value.record = record
            self.schedule.value.nextDue = .now()
            self.cycle()
        }
    }

    /// Stops the loop; the future completes once no poll of this loop is in flight.
    func stop() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit {
            self.schedule.value.running = false
            self.schedule.value.generation += 1
            self.schedule.value.record = nil  // it holds the engine, which holds this poller
            guard self.schedule.value.pollInFlight else { return self.eventLoop.makeSucceededVoidFuture() }
            let stopped = self.schedule.value.stopped ?? self.eventLoop.makePromise()
            self.schedule.value.stopped = stopped
            return stopped.futureResult
        }
    }

    /// The next poll came due, unless the loop was stopped (or stopped and restarted) since it was scheduled.
    func timerFired(token: Int) {
        guard token == schedule.value.generation else { return }
        cycle()
    }

    private func cycle() {
        schedule.value.pollInFlight = true
        let generation = schedule.value.generation
        let started = NIODeadline.now()
        // The source directly, not `poll(_:)`: one callback less per poll.
        source.poll { outcome in
            let latency = Self.latency(since: started)
            self.schedule.value.pollInFlight = false
            // A poll cut short by stopping (its connection closed under it) says nothing about the endpoint, and a
            // loop restarted meanwhile has its own cycle.
            guard self.schedule.value.running, self.schedule.value.generation == generation, let record = self.schedule.value.record else {
                self.schedule.value.stopped?.succeed()
                self.schedule.value.stopped = nil
                return
            }
            let failures = record(outcome, latency)
            let polling = self.schedule.value.polling
            let now = NIODeadline.now()
            let next = failures > 1
                ? now + .nanoseconds(polling.delay(afterConsecutiveFailures: failures).nanoseconds)
                : max(self.schedule.value.nextDue + .nanoseconds(polling.interval.nanoseconds), now)
            self.schedule.value.nextDue = next
            self.timers.schedule(at: next, wake: self, token: generation)
        }
    }
}
