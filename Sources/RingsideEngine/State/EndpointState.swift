import Foundation
import RingsideCore
import RingsideWire

/// Everything known about one endpoint after its latest poll: an immutable value the engine publishes.
///
/// The data of the last successful poll is kept when a poll fails, and marked stale (`health.hasFreshData` is
/// false), so a screen can show the last known numbers without passing them off as current.
public struct EndpointState: Sendable {
    public let endpoint: Endpoint
    public private(set) var health: Health = .unknown
    public private(set) var latency: Duration?
    public private(set) var lastPollAt: Date?
    public private(set) var lastSuccessAt: Date?
    public private(set) var consecutiveFailures = 0
    /// While failing: when the next attempt is due (the back-off), for "retry in 3s".
    public private(set) var nextAttemptAt: Date?
    public private(set) var polls = 0
    /// The latest data that came back (possibly stale).
    public private(set) var data: PollData?
    /// Cache nodes: the interval between the last two good polls; `nil` after a reset or a failure.
    public private(set) var interval: CacheInterval?
    public private(set) var history = NodeHistory()
    /// twemproxy: ejection rules per pool (from the nutcracker config, else the assumed defaults).
    public var ejectionPolicies: [String: TwemproxyEjectionPolicy] = [:]
    /// The endpoint's conditions with their hysteresis: what is an active alert now.
    private var alerts = AlertTracker() {
        didSet { activeAlertCount = alerts.activeCount }
    }
    /// Stored, not computed: the header counts alerts every frame, and a computed property read through the
    /// snapshot's array copied the whole state (its histories' references) per endpoint — half of a 1,000-node
    /// frame's time.
    public private(set) var activeAlertCount = 0
    /// The latest interval hit ratio, for what a restarted node has to catch up to.
    private var lastHitRatio: Double?
    /// After a restart: the hit ratio the node must reach again to count as warm (its level before the restart,
    /// at most the warning threshold); `nil` when warm.
    public private(set) var coldUntilHitRatio: Double?

    /// The node restarted and its hit ratio has not caught up yet.
    public var isCold: Bool { coldUntilHitRatio != nil }

    public init(endpoint: Endpoint, historyCapacity: Int = NodeHistory.defaultCapacity) {
        self.endpoint = endpoint
        self.history = NodeHistory(capacity: historyCapacity)
    }

    public var cacheSample: CacheSample? {
        if case let .cache(sample) = data { sample } else { nil }
    }

    public var haproxy: HAProxySnapshot? {
        if case let .haproxy(snapshot) = data { snapshot } else { nil }
    }

    public var twemproxy: TwemproxySnapshot? {
        if case let .twemproxy(snapshot) = data { snapshot } else { nil }
    }

    /// Records a poll that returned data, and returns the events it caused.
    public mutating func record(
        _ newData: PollData, latency: Duration, at now: Date, thresholds: Thresholds
    ) -> [FleetEvent] {
        var events: [FleetEvent] = []
        interval = nil
        if case let .cache(sample) = newData {
            // Compared with the last sample even across failed polls: a node that was down and comes back as a new
            // process is a restart (cold cache), not a network blip. An interval needs two consecutive good polls.
            if case let .cache(previous)? = data {
                switch CacheInterval.between(previous, sample) {
                case let .interval(value): interval = health.hasFreshData ? value : nil
                case let .reset(reason) where reason.isRestart:
                    coldUntilHitRatio = min(lastHitRatio ?? thresholds.hitRatioWarn, thresholds.hitRatioWarn)
                    events.append(event(now, .restarted, "\(reason): cache cold"))
                case let .reset(reason): events.append(event(now, .countersReset, reason.description))
                }
            }
            if let ratio = interval?.hitRatio {
                lastHitRatio = ratio
                if let target = coldUntilHitRatio, ratio >= target {
                    coldUntilHitRatio = nil
                    events.append(event(now, .restarted, "cache warm again: hit ratio \(Format.percent(ratio))"))
                }
            }
            history.record(interval: interval, gauges: sample.gauges, latency: latency)
        }
        events += serverChanges(from: data, to: newData, at: now)
        let ejectedBefore = Set(ejectedServers.map { "\($0.pool)/\($0.server)" })
        data = newData
        events += ejectionChanges(from: ejectedBefore, at: now)
        self.latency = latency
        lastSuccessAt = now
        consecutiveFailures = 0
        nextAttemptAt = nil
        events += transition(to: latency > thresholds.slowLatency ? .slow : .up, at: now)
        events += updateAlerts(thresholds: thresholds, latency: latency, at: now)
        return events
    }

    /// Alerts active now, most severe first.
    public var activeAlerts: [Alert] { alerts.active }


    /// Reads every condition of this poll into the alert tracker; returns events for the alerts it raised or
    /// cleared, for the conditions that have no events of their own (the thresholds).
    private mutating func updateAlerts(thresholds: Thresholds, latency: Duration?, at now: Date) -> [FleetEvent] {
        var readings = AlertConditions.readings(of: self, thresholds: thresholds, latency: latency)
        if alerts.isIdle && !readings.contains(where: { $0.reading.holds }) { return [] }
        // A server gone from the poll (removed from its backend or pool) clears its alert.
        let named = Set(readings.map(\.key))
        readings += alerts.untracked(excluding: named, prefixes: AlertConditions.perServerPrefixes).map { ($0, .clear) }
        let changes = alerts.update(
            readings, endpoint: endpoint.name, at: now, raiseAfter: thresholds.alertAfterPolls, clearAfter: thresholds.clearAfterPolls)
        return changes.filter { !AlertConditions.hasEventsOfItsOwn($0.alert.key) }.map { change in
            event(now, .threshold, change.raised ? "alert: \(change.alert.message)" : "cleared (was: \(change.alert.message))")
        }
    }

    /// Records a failed poll: the endpoint's state says why; old data stays, now stale. `polling` tells when the
    /// next attempt comes (the poller backs off by the same rule).
    public mutating func recordFailure(
        _ error: any Error, at now: Date, polling: PollSettings = PollSettings(), thresholds: Thresholds = Thresholds()
    ) -> [FleetEvent] {
        consecutiveFailures += 1
        nextAttemptAt = now.addingTimeInterval(polling.delay(afterConsecutiveFailures: consecutiveFailures).secondsDouble)
        interval = nil
        latency = nil
        if endpoint.kind.isCacheNode { history.record(interval: nil, gauges: nil, latency: nil) }
        return transition(to: Self.health(for: error), at: now) + updateAlerts(thresholds: thresholds, latency: nil, at: now)
    }

    /// Maps a poll failure to the state an operator sees.
    public static func health(for error: any Error) -> Health {
        guard let wire = error as? WireError else { return .protocolError("\(error)") }
        switch wire {
        case let .authenticationFailed(text): return .authFailed(text)
        case .incompleteReply, .replyTooLarge, .malformedReply, .serverError: return .protocolError(wire.description)
        default: return .down(wire.description)
        }
    }

    private mutating func transition(to newHealth: Health, at now: Date) -> [FleetEvent] {
        polls += 1
        lastPollAt = now
        let old = health
        health = newHealth
        guard old.word != newHealth.word else { return [] }
        let message = old == .unknown ? "first poll: \(newHealth)" : "\(old.word) → \(newHealth)"
        return [event(now, .healthChanged, message)]
    }

    private func serverChanges(from old: PollData?, to new: PollData, at now: Date) -> [FleetEvent] {
        guard case let .haproxy(before)? = old, case let .haproxy(after) = new else { return [] }
        var previous: [String: String] = [:]
        for backend in before.backends { for server in backend.servers { previous["\(backend.name)/\(server.name)"] = server.status.text } }
        return after.backends.flatMap { backend in
            backend.servers.compactMap { server -> FleetEvent? in
                let name = "\(backend.name)/\(server.name)"
                guard let was = previous[name], was != server.status.text else { return nil }
                return event(now, .serverStatusChanged, "\(name) \(was) → \(server.status.text)")
            }
        }
    }

    /// twemproxy: a server ejected since the last poll, or back in its pool.
    private func ejectionChanges(from before: Set<String>, at now: Date) -> [FleetEvent] {
        let after = Set(ejectedServers.map { "\($0.pool)/\($0.server)" })
        return after.subtracting(before).sorted().map { event(now, .ejection, "\($0) ejected") }
            + before.subtracting(after).sorted().map { event(now, .ejection, "\($0) back in the pool") }
    }

    private func event(_ at: Date, _ kind: FleetEvent.Kind, _ message: String) -> FleetEvent {
        FleetEvent(at: at, endpoint: endpoint.name, kind: kind, message: message)
    }

    /// twemproxy servers ejected now, judged by the proxy's own clock, per pool.
    public var ejectedServers: [(pool: String, server: String)] {
        guard let snapshot = twemproxy else { return [] }
        let now = snapshot.timestamp * 1_000_000
        return snapshot.pools.flatMap { pool in
            let policy = ejectionPolicies[pool.name] ?? .assumed
            return pool.servers.filter { $0.isEjected(nowMicroseconds: now, policy: policy) }.map { (pool.name, $0.name) }
        }
    }
}
