import NIOCore
import RingsideCore

/// Polls one endpoint, on the event loop that owns its connection.
///
/// The poller, its client's connection and the channel share one event loop, and the pause between polls is a
/// timer of that loop: a poll never wakes another thread. With a thousand endpoints, cross-thread wake-ups
/// (not the protocol work) were most of ringside's CPU.
actor EndpointPoller {
    /// The endpoint's position in the fleet.
    let index: Int
    let endpoint: Endpoint
    let source: any EndpointSource
    private let eventLoop: any EventLoop

    nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    init(index: Int, endpoint: Endpoint, sources: EndpointSourceFactory, polling: PollSettings, eventLoop: any EventLoop) {
        self.index = index
        self.endpoint = endpoint
        self.eventLoop = eventLoop
        self.source = sources.source(for: endpoint, polling: polling, on: eventLoop)
    }

    /// Polls once: what came back (or why nothing did) and how long it took.
    func poll() async -> (outcome: Result<PollData, any Error>, latency: Duration) {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let data = try await source.poll()
            return (.success(data), started.duration(to: clock.now))
        } catch {
            return (.failure(error), started.duration(to: clock.now))
        }
    }

    /// Polls until cancelled: at a steady cadence while healthy (no drift from poll latency), backing off from
    /// now while failing. `record` publishes each outcome and returns the consecutive failures so far.
    func run(polling: PollSettings, record: @Sendable (Result<PollData, any Error>, Duration) -> Int) async {
        var next = NIODeadline.now()
        while !Task.isCancelled {
            let (outcome, latency) = await poll()
            let failures = record(outcome, latency)
            let now = NIODeadline.now()
            next = failures > 1 ? now + .nanoseconds(polling.delay(afterConsecutiveFailures: failures).nanoseconds)
                : max(next + .nanoseconds(polling.interval.nanoseconds), now)
            await sleep(until: next)
        }
    }

    private func sleep(until deadline: NIODeadline) async {
        let scheduled = eventLoop.scheduleTask(deadline: deadline) {}
        await withTaskCancellationHandler {
            _ = try? await scheduled.futureResult.value()
        } onCancel: {
            scheduled.cancel()
        }
    }
}
