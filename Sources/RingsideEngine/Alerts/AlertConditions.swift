import Foundation
import RingsideCore

/// Reads an endpoint's conditions from its latest poll, for the alert tracker. Pure.
enum AlertConditions {
    static let healthKey = "health"
    /// Conditions read per server: a server gone from the poll clears its alert.
    static let perServerPrefixes = ["server ", "ejected "]

    /// Health, HAProxy server status and twemproxy ejection raise events of their own the moment they change
    /// (`health`, `server`, `ejection`); only the thresholds speak through their alert's events.
    static func hasEventsOfItsOwn(_ key: String) -> Bool {
        key == healthKey || perServerPrefixes.contains { key.hasPrefix($0) }
    }

    /// How far back past its limit a threshold's value must come before its alert counts as clear: a share two
    /// points better, a rate or a load factor 10% better. Between the limit and that, the reading is `.unknown`
    /// and the alert stays as it was. Polls alone were not enough: a ring node at 53–58% of the load for 35% of
    /// the keys (a factor hovering at 1.5) raised and cleared HOT every few seconds in a soak.
    static let shareMargin = 0.02, factorMargin = 0.9

    /// `.holds` past the limit, `.clear` well inside it, `.unknown` in the margin between.
    private static func banded(past: Bool, wellInside: Bool, _ holds: @autoclosure () -> ConditionReading) -> ConditionReading {
        past ? holds() : wellInside ? .clear : .unknown
    }

    static func readings(of state: EndpointState, thresholds: Thresholds, latency: Duration?) -> [(key: String, reading: ConditionReading)] {
        var readings: [(key: String, reading: ConditionReading)] = [(healthKey, health(state.health, latency: latency, thresholds: thresholds))]
        // Without fresh data nothing else can be told: those conditions stand as they were.
        guard state.health.hasFreshData else { return readings }
        if let sample = state.cacheSample {
            let interval = state.interval
            // No reads in the interval is no hit-ratio problem (an idle window is not a 0% alert); no interval at
            // all (the first poll, a restart) cannot tell.
            readings.append(("hit-ratio", interval == nil ? .unknown : recentHitRatio(state.history).map { hitRatio($0, thresholds) } ?? .clear))
            readings.append(("evictions", interval?.evictionsPerSecond.map { rate in
                let limit = thresholds.evictionsPerSecondWarn
                return banded(past: rate > limit, wellInside: rate <= limit * factorMargin, .holds(.warning, "evicting \(Format.rate(rate))/s"))
            } ?? .unknown))
            readings.append(("memory", sample.gauges.memoryFraction.map { fraction in
                let limit = thresholds.memoryFractionWarn
                return banded(
                    past: fraction > limit, wellInside: fraction <= limit - shareMargin,
                    .holds(.warning, "memory \(Format.percent(fraction, against: limit)) above \(Format.percent(limit))"))
            } ?? .unknown))
        }
        for backend in state.haproxy?.backends ?? [] {
            for server in backend.servers {
                let name = "\(backend.name)/\(server.name)"
                readings.append(("server \(name)", server.status.isFailing ? .holds(.critical, "\(name) is \(server.status.text)") : .clear))
            }
        }
        if let twemproxy = state.twemproxy {
            let ejected = Set(state.ejectedServers.map { "\($0.pool)/\($0.server)" })
            for pool in twemproxy.pools {
                for server in pool.servers {
                    let name = "\(pool.name)/\(server.name)"
                    readings.append(("ejected \(name)", ejected.contains(name) ? .holds(.critical, "\(name) is ejected") : .clear))
                }
            }
        }
        return readings
    }

    static let hotSpotPrefix = "hot "

    /// Per node of a ring with known loads: whether it takes more than `factor` × its share of the keys.
    static func hotSpots(_ tracked: TrackedRing, factor: Double) -> [(key: String, reading: ConditionReading)] {
        guard let ring = tracked.ring else { return [] }
        let ownership = ring.ownership
        let loads = RingLoad.compare(ownership, loads: tracked.loads, hotSpotFactor: factor)
        // Known loads that are all zero: no traffic, so no hot spot (rather than "cannot tell" for ever).
        let idle = tracked.loads.contains { $0 != nil } && !tracked.loads.contains { ($0 ?? 0) > 0 }
        return ownership.nodes.indices.map { index in
            let node = ownership.nodes[index], key = hotSpotPrefix + node.name
            guard let share = loads[index].loadShare else { return (key, idle ? .clear : .unknown) }
            let wellInside = !node.inService || share <= node.share * factor * factorMargin
            return (key, banded(
                past: loads[index].isHotSpot, wellInside: wellInside,
                .holds(.warning, "HOT \(node.name): \(Format.percent(share)) of the load for \(Format.percent(node.share)) of the keys")))
        }
    }

    static let splitPrefix = "split "

    /// Per server of a group's balancers: whether the members disagree on its operator state or weight. A member
    /// without fresh data cannot tell.
    static func splits(members: [String], in snapshot: FleetSnapshot) -> [(key: String, reading: ConditionReading)] {
        let states = members.compactMap { name in snapshot.endpoints.first { $0.endpoint.name == name } }
        guard states.count == members.count, states.allSatisfy(\.health.hasFreshData) else { return [] }
        var views: [String: [(member: String, state: ServerAdminState, weight: Int)]] = [:]
        var order: [String] = []
        for state in states {
            for backend in state.haproxy?.backends ?? [] {
                for server in backend.servers {
                    guard let runtime = server.runtime else { continue }
                    let path = "\(backend.name)/\(server.name)"
                    if views[path] == nil { order.append(path) }
                    views[path, default: []].append((state.endpoint.name, runtime.forcedState, runtime.userWeight))
                }
            }
        }
        return order.map { path in
            let view = views[path]!
            let agree = view.count == members.count && Set(view.map { "\($0.state.rawValue) \($0.weight)" }).count == 1
            let words = view.map { "\($0.member) \($0.state.statusWord) w\($0.weight)" }.joined(separator: ", ")
            let missing = members.filter { member in !view.contains { $0.member == member } }
            let detail = words + (missing.isEmpty ? "" : ", missing on \(missing.joined(separator: ", "))")
            return (splitPrefix + path, agree ? .clear : .holds(.warning, "SPLIT \(path): \(detail)"))
        }
    }

    static func health(_ health: Health, latency: Duration?, thresholds: Thresholds) -> ConditionReading {
        switch health {
        case .unknown: .unknown
        case .up: .clear
        case .slow:
            .holds(.warning, "SLOW: answered in \(latency.map { Format.milliseconds($0.secondsDouble * 1000) } ?? "?"), over \(DurationText.format(thresholds.slowLatency))")
        case .down, .authFailed, .protocolError: .holds(.critical, health.description)
        }
    }

    /// The polls the hit-ratio condition reads over, weighted by reads (Σ hits / Σ reads). One interval of a
    /// quiet node is a small sample: at 50 reads a second its ratio swung between 70% and 85% from one second to
    /// the next, and its alert raised and cleared every few seconds in a soak.
    static let hitRatioPolls = 5

    /// The hit ratio over the last `hitRatioPolls` polls; `nil` when they had no reads.
    static func recentHitRatio(_ history: NodeHistory) -> Double? {
        ChartWindow.hitRatios(history.recent(\.hitRatio, polls: hitRatioPolls), reads: history.recent(\.reads, polls: hitRatioPolls), columns: 1).first ?? nil
    }

    static func hitRatio(_ ratio: Double, _ thresholds: Thresholds) -> ConditionReading {
        let limit = ratio < thresholds.hitRatioCritical ? thresholds.hitRatioCritical : thresholds.hitRatioWarn
        guard ratio < thresholds.hitRatioWarn else { return ratio >= thresholds.hitRatioWarn + shareMargin ? .clear : .unknown }
        let severity: Alert.Severity = ratio < thresholds.hitRatioCritical ? .critical : .warning
        return .holds(severity, "hit ratio \(Format.percent(ratio, against: limit)) below \(Format.percent(limit))")
    }
}
