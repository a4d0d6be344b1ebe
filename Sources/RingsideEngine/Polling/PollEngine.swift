import DequeModule
import Foundation
import Logging
import NIOCore
import NIOPosix
import RingsideCore
import Synchronization

/// Polls every endpoint of a fleet on its own schedule and publishes immutable snapshots.
///
/// Each endpoint is polled by its own task on one of SwiftNIO's event loops, next to its connection: polling a
/// thousand endpoints needs no thousand threads, and a hung endpoint delays nobody else. Readers (the console,
/// `status`) take `snapshot()` whenever they like; they never wait for a poll.
public final class PollEngine: Sendable {
    public let fleet: Fleet
    private let pollers: [EndpointPoller]
    /// Per endpoint, in fleet order (the poller's index), so a poll finds its state without hashing names.
    private let published: [PublishedState]
    /// The newest events of the whole fleet, locked only when a poll raised one.
    private let events = Mutex<Deque<FleetEvent>>([])
    private let logger: Logger
    /// Ring hot spots and split balancer pairs, read once an interval from the snapshot; `nil` when the fleet has
    /// neither rings nor groups.
    private let fleetConditions: FleetConditionWatch?
    private let fleetConditionTask = Mutex<RepeatedTask?>(nil)

    /// The newest events are kept; older ones fall off.
    public static let eventCapacity = 1000

    /// The only copy of one endpoint's state, mutated in place under its own lock: a second copy would make each
    /// poll copy the whole history (copy-on-write), and one lock for the fleet had the event loops contend and
    /// pass its cache line between cores on every poll.
    private final class PublishedState: Sendable {
        let current: Mutex<(state: EndpointState, polls: Int)>

        init(_ state: EndpointState) {
            current = Mutex((state, 0))
        }
    }

    public init(
        fleet: Fleet, sources: EndpointSourceFactory = EndpointSourceFactory(),
        ejectionPolicies: [String: [String: TwemproxyEjectionPolicy]] = [:],
        historyCapacity: Int = NodeHistory.defaultCapacity, logger: Logger = Logger(label: "ringside", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.fleet = fleet
        self.logger = logger
        fleetConditions = FleetConditionWatch(fleet: fleet)
        pollers = fleet.endpoints.enumerated().map { index, endpoint in
            EndpointPoller(
                index: index, endpoint: endpoint, sources: sources, polling: fleet.polling,
                eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        }
        published = fleet.endpoints.map { endpoint in
            var state = EndpointState(endpoint: endpoint, historyCapacity: historyCapacity)
            state.ejectionPolicies = ejectionPolicies[endpoint.name] ?? [:]
            return PublishedState(state)
        }
    }

    /// The latest state of every endpoint, in fleet order, with recent events. Each endpoint's state is
    /// consistent in itself; endpoints polled while the snapshot is taken may show the poll before or after.
    public func snapshot() -> FleetSnapshot {
        let endpoints = published.map { cell in cell.current.withLock { $0.state } }
        return FleetSnapshot(
            fleet: fleet, endpoints: endpoints, events: events.withLock { Array($0) }, takenAt: Date(), fleetAlerts: fleetConditions?.alerts ?? [])
    }

    /// Polls every endpoint once, all at the same time, and returns when the last one answered or timed out.
    public func pollAllOnce() async {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let polls = pollers.map { poller in
            let done = loop.makePromise(of: Void.self)
            poller.poll { outcome, latency in
                _ = self.record(outcome, latency: latency, for: poller.index)
                done.succeed()
            }
            return done.futureResult
        }
        try? await EventLoopFuture.andAllComplete(polls, on: loop).get()
    }

    /// Starts polling every endpoint on its own schedule (interval, or backoff while failing) until `stop()`.
    public func start() {
        for poller in pollers {
            poller.start(polling: fleet.polling) { outcome, latency in
                self.record(outcome, latency: latency, for: poller.index)
            }
        }
        guard let fleetConditions else { return }
        let interval = TimeAmount(fleet.polling.interval)
        let task = MultiThreadedEventLoopGroup.singleton.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            self.publish(fleetConditions.update(self.snapshot(), at: Date()))
        }
        fleetConditionTask.withLock { $0 = task }
    }

    /// How many polls have completed per endpoint since the engine started (for tests and benchmarks).
    public func completedPolls() -> [String: Int] {
        let polls = published.map { cell in cell.current.withLock { $0.polls } }
        return Dictionary(uniqueKeysWithValues: zip(fleet.endpoints.map(\.name), polls).filter { $0.1 > 0 })
    }

    public func stop() async {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        fleetConditionTask.withLock { $0?.cancel() }
        let stopped = pollers.map { $0.stop() }
        // Closing the connections fails any poll in flight at once, so stopping never waits out a hung endpoint's
        // deadline.
        try? await EventLoopFuture.andAllComplete(pollers.map { $0.source.close() }, on: loop).get()
        try? await EventLoopFuture.andAllComplete(stopped, on: loop).get()
    }

    /// Applies a poll's outcome to the state of the endpoint at `index` and returns its consecutive failures.
    private func record(_ outcome: Result<PollData, any Error>, latency: Duration, for index: Int) -> Int {
        let thresholds = fleet.thresholds
        let now = Date()
        let (failures, events) = published[index].current.withLock { current in
            let events: [FleetEvent]
            switch outcome {
            case let .success(data): events = current.state.record(data, latency: latency, at: now, thresholds: thresholds)
            case let .failure(error): events = current.state.recordFailure(error, at: now, polling: fleet.polling, thresholds: thresholds)
            }
            current.polls += 1
            return (current.state.consecutiveFailures, events)
        }
        if case let .failure(error) = outcome {
            logger.debug("poll failed", metadata: ["endpoint": "\(fleet.endpoints[index].name)", "error": "\(error)"])
        }
        publish(events)
        return failures
    }

    /// Adds an event from outside the polls (an operator's action) to the recent ones and the log.
    public func note(_ event: FleetEvent) { publish([event]) }

    /// Adds events to the recent ones and the log.
    private func publish(_ events: [FleetEvent]) {
        guard !events.isEmpty else { return }
        self.events.withLock { recent in
            for event in events {
                if recent.count == Self.eventCapacity { recent.removeFirst() }
                recent.append(event)
            }
        }
        for event in events {
            logger.info("\(event.message)", metadata: ["endpoint": "\(event.endpoint)", "kind": "\(event.kind.rawValue)"])
        }
    }
}
