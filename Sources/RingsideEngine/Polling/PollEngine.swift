import DequeModule
import Foundation
import Logging
import RingsideCore
import Synchronization

/// Polls every endpoint of a fleet on its own schedule and publishes immutable snapshots.
///
/// One Swift task per endpoint on the shared cooperative pool, with all sockets on SwiftNIO's event loops: polling
/// a thousand endpoints needs no thousand threads, and a hung endpoint delays nobody else. Readers (the console,
/// `status`) take `snapshot()` whenever they like; they never wait for a poll.
public final class PollEngine: Sendable {
    public let fleet: Fleet
    private let pollers: [EndpointPoller]
    private let published: Mutex<Published>
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let logger: Logger

    /// The newest events are kept; older ones fall off.
    public static let eventCapacity = 1000

    private struct Published: Sendable {
        var states: [String: EndpointState]
        var events: Deque<FleetEvent> = []
        var cycles: [String: Int] = [:]
    }

    public init(
        fleet: Fleet, sources: EndpointSourceFactory = EndpointSourceFactory(),
        ejectionPolicies: [String: [String: TwemproxyEjectionPolicy]] = [:],
        historyCapacity: Int = NodeHistory.defaultCapacity, logger: Logger = Logger(label: "ringside", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.fleet = fleet
        self.logger = logger
        var states: [String: EndpointState] = [:]
        pollers = fleet.endpoints.map { endpoint in
            var state = EndpointState(endpoint: endpoint, historyCapacity: historyCapacity)
            state.ejectionPolicies = ejectionPolicies[endpoint.name] ?? [:]
            states[endpoint.name] = state
            return EndpointPoller(
                endpoint: endpoint, source: sources.source(for: endpoint, polling: fleet.polling), thresholds: fleet.thresholds,
                state: state, logger: logger)
        }
        published = Mutex(Published(states: states))
    }

    /// The latest state of every endpoint, in fleet order, with recent events.
    public func snapshot() -> FleetSnapshot {
        published.withLock { published in
            FleetSnapshot(
                fleet: fleet, endpoints: fleet.endpoints.compactMap { published.states[$0.name] }, events: Array(published.events),
                takenAt: Date())
        }
    }

    /// Polls every endpoint once, all at the same time, and returns when the last one answered or timed out.
    public func pollAllOnce() async {
        await withTaskGroup(of: Void.self) { group in
            for poller in pollers {
                group.addTask { await self.poll(poller) }
            }
        }
    }

    /// Starts polling every endpoint on its own schedule (interval, or backoff while failing) until `stop()`.
    public func start() {
        let started = pollers.map { poller in
            Task { [polling = fleet.polling] in
                let clock = ContinuousClock()
                var next = clock.now
                while !Task.isCancelled {
                    let failures = await self.poll(poller).consecutiveFailures
                    // A steady cadence while healthy (no drift from poll latency); backoff from now while failing.
                    next = failures > 1
                        ? clock.now + polling.delay(afterConsecutiveFailures: failures) : max(next + polling.interval, clock.now)
                    try? await Task.sleep(until: next, clock: clock)
                }
            }
        }
        tasks.withLock { $0 += started }
    }

    /// Polls one endpoint now, out of schedule (the console's `r`).
    public func pollNow(_ name: String) async {
        guard let poller = pollers.first(where: { $0.endpoint.name == name }) else { return }
        await poll(poller)
    }

    /// How many polls have completed per endpoint since the engine started (for tests and benchmarks).
    public func completedPolls() -> [String: Int] { published.withLock { $0.cycles } }

    public func stop() async {
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        // Closing the connections first fails any poll in flight at once, so stopping never waits out a hung
        // endpoint's deadline.
        for poller in pollers { await poller.close() }
        for task in running { await task.value }
    }

    @discardableResult
    private func poll(_ poller: EndpointPoller) async -> EndpointState {
        let (state, events) = await poller.pollOnce()
        published.withLock { published in
            published.states[state.endpoint.name] = state
            published.cycles[state.endpoint.name, default: 0] += 1
            for event in events {
                if published.events.count == Self.eventCapacity { published.events.removeFirst() }
                published.events.append(event)
            }
        }
        return state
    }
}
