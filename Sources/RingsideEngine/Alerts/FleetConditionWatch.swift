import Foundation
import RingsideCore
import Synchronization

/// Conditions of the fleet rather than of one endpoint, as alerts like any other, read once per poll interval
/// from the newest snapshot with the endpoints' hysteresis:
/// - ring hot spots: a node in service whose share of its ring's load exceeds `hot_spot_factor` × its share of
///   the keys holds `hot <node>` (a ring is rebuilt only when its definition changed; Redis Cluster rings are left
///   to the ring screen, which reads their slots);
/// - split balancer pairs: a server whose operator state or weight differs between the members of its group
///   (`group:`) holds `split <backend>/<server>`. No peer tool shows this, and it is how a half-drained pair happens.
final class FleetConditionWatch: Sendable {
    private struct Watched: Sendable {
        var tracker: RingTracker
        /// Per subject ("ring app", "group edge").
        var alerts: [String: AlertTracker] = [:]
    }

    private let watched: Mutex<Watched>
    /// Read every frame by the header, so kept apart from the tracker's lock.
    private let active = Mutex<[Alert]>([])
    private let groups: [String: [String]]

    /// `nil` when the fleet has no ring a poll can follow and no balancer group: there is nothing to watch.
    init?(fleet: Fleet) {
        let tracker = RingTracker(fleet: fleet)
        var groups: [String: [String]] = [:]
        for endpoint in fleet.endpoints where endpoint.kind == .haproxy {
            if let group = endpoint.group { groups[group, default: []].append(endpoint.name) }
        }
        self.groups = groups.filter { $0.value.count > 1 }
        let followsARing = tracker.declarations.contains { if case .redisCluster = $0.source { false } else { true } }
        guard followsARing || !self.groups.isEmpty else { return nil }
        watched = Mutex(Watched(tracker: tracker))
    }

    var alerts: [Alert] { active.withLock { $0 } }

    /// Reads every ring and group from `snapshot`; returns the events of the alerts raised and cleared.
    func update(_ snapshot: FleetSnapshot, at now: Date) -> [FleetEvent] {
        let thresholds = snapshot.fleet.thresholds
        return watched.withLock { watched in
            var subjects: [(subject: String, prefix: String, readings: [(key: String, reading: ConditionReading)])] = []
            for tracked in watched.tracker.update(snapshot) {
                subjects.append(("ring \(tracked.declaration.name)", AlertConditions.hotSpotPrefix, AlertConditions.hotSpots(tracked, factor: thresholds.hotSpotFactor)))
            }
            for (group, members) in groups.sorted(by: { $0.key < $1.key }) {
                subjects.append(("group \(group)", AlertConditions.splitPrefix, AlertConditions.splits(members: members, in: snapshot)))
            }
            var events: [FleetEvent] = []
            for (subject, prefix, readings) in subjects {
                var alerts = watched.alerts[subject] ?? AlertTracker()
                guard !(alerts.isIdle && !readings.contains { $0.reading.holds }) else { continue }
                // A node gone from the ring, or a server gone from the group, clears its alert.
                let named = Set(readings.map(\.key))
                let vanished = alerts.untracked(excluding: named, prefixes: [prefix]).map { ($0, ConditionReading.clear) }
                for change in alerts.update(
                    readings + vanished, endpoint: subject, at: now, raiseAfter: thresholds.alertAfterPolls, clearAfter: thresholds.clearAfterPolls)
                {
                    let message = change.raised ? "alert: \(change.alert.message)" : "cleared (was: \(change.alert.message))"
                    events.append(FleetEvent(at: now, endpoint: subject, kind: .threshold, message: message))
                }
                watched.alerts[subject] = alerts
            }
            let current = watched.alerts.values.flatMap(\.active)
            active.withLock { $0 = current }
            return events
        }
    }
}
