import Foundation
import RingsideCore
import Synchronization

/// Ring hot spots as alerts, like any other: once per poll interval the fleet's rings are brought up to date from
/// the newest snapshot (a ring is rebuilt only when its definition changed), and a node in service whose share of
/// its ring's load exceeds `hot_spot_factor` × its share of the keys holds the condition `hot <node>`. The same
/// hysteresis as the endpoints' alerts applies, so a node hot for one interval raises nothing.
///
/// Redis Cluster rings are left out: their slots are read by the ring screen, not by the poll.
final class RingHotSpotWatch: Sendable {
    private struct Watched: Sendable {
        var tracker: RingTracker
        /// Per ring name.
        var alerts: [String: AlertTracker] = [:]
    }

    private let watched: Mutex<Watched>
    /// Read every frame by the header, so kept apart from the tracker's lock.
    private let active = Mutex<[Alert]>([])

    /// `nil` when the fleet declares no ring a poll can follow: there is nothing to watch.
    init?(fleet: Fleet) {
        let tracker = RingTracker(fleet: fleet)
        guard tracker.declarations.contains(where: { if case .redisCluster = $0.source { false } else { true } }) else { return nil }
        watched = Mutex(Watched(tracker: tracker))
    }

    var alerts: [Alert] { active.withLock { $0 } }

    /// Reads every ring's load from `snapshot`; returns the events of the alerts raised and cleared.
    func update(_ snapshot: FleetSnapshot, at now: Date) -> [FleetEvent] {
        let thresholds = snapshot.fleet.thresholds
        return watched.withLock { watched in
            var events: [FleetEvent] = []
            for tracked in watched.tracker.update(snapshot) {
                let name = tracked.declaration.name
                var alerts = watched.alerts[name] ?? AlertTracker()
                let readings = AlertConditions.hotSpots(tracked, factor: thresholds.hotSpotFactor)
                guard !(alerts.isIdle && !readings.contains { $0.reading.holds }) else { continue }
                // A node gone from the ring (or a ring that cannot be built) clears its alert.
                let named = Set(readings.map(\.key))
                let vanished = alerts.untracked(excluding: named, prefixes: [AlertConditions.hotSpotPrefix]).map { ($0, ConditionReading.clear) }
                let endpoint = "ring \(name)"
                for change in alerts.update(
                    readings + vanished, endpoint: endpoint, at: now, raiseAfter: thresholds.alertAfterPolls, clearAfter: thresholds.clearAfterPolls)
                {
                    let message = change.raised ? "alert: \(change.alert.message)" : "cleared (was: \(change.alert.message))"
                    events.append(FleetEvent(at: now, endpoint: endpoint, kind: .threshold, message: message))
                }
                watched.alerts[name] = alerts
            }
            let current = watched.alerts.values.flatMap(\.active)
            active.withLock { $0 = current }
            return events
        }
    }
}
