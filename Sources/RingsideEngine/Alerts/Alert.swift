import Foundation
import RingsideCore

/// A condition an operator should look at, active now: the one notion of "alert" the console counts in its header,
/// lists on the events screen, and raises and clears events for. Health problems, thresholds, failing HAProxy
/// servers and ejected twemproxy servers are all alerts ring hot spots and split balancer pairs (`FleetConditionWatch`) too.
public struct Alert: Sendable, Equatable {
    public enum Severity: Int, Sendable, Comparable {
        case warning, critical

        public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    }

    public var endpoint: String
    /// What the alert is about, stable while it lasts ("health", "hit-ratio", "server be_app/app-2").
    public var key: String
    public var severity: Severity
    public var message: String
    /// When its condition started to hold (the first poll of the run that raised it).
    public var since: Date

    public init(endpoint: String, key: String, severity: Severity, message: String, since: Date) {
        self.endpoint = endpoint
        self.key = key
        self.severity = severity
        self.message = message
        self.since = since
    }
}

/// One poll's reading of a condition.
enum ConditionReading {
    /// It holds now, with this severity and these words.
    case holds(Alert.Severity, String)
    case clear
    /// This poll cannot tell (no reads in the interval, no fresh data): the count stands where it was.
    case unknown

    var holds: Bool { if case .holds = self { true } else { false } }
}

/// Hysteresis per condition: an alert raises after its condition held for `raiseAfter` polls in a row and clears
/// after it was clear for `clearAfter` polls in a row, so one noisy node gives one event, not three in three
/// seconds.
struct AlertTracker: Sendable {
    private struct Entry: Sendable {
        var held = 0
        var clear = 0
        var startedAt: Date?
        var active: Alert?
    }

    private var entries: [String: Entry] = [:]

    /// Nothing held lately: a poll whose readings are all clear has nothing to update (the common case, on the
    /// poll path of every endpoint).
    var isIdle: Bool { entries.isEmpty }

    /// How many alerts are active, without building them (the header counts them every frame).
    var activeCount: Int { entries.isEmpty ? 0 : entries.values.count { $0.active != nil } }

    var active: [Alert] { entries.values.compactMap(\.active).sorted { ($0.severity, $0.since, $0.key) > ($1.severity, $1.since, $1.key) } }

    /// Applies one poll's readings; `readings` not named keep their counts. Returns the events for alerts raised
    /// and cleared by this poll.
    mutating func update(
        _ readings: [(key: String, reading: ConditionReading)], endpoint: String, at now: Date, raiseAfter: Int, clearAfter: Int
    ) -> [(raised: Bool, alert: Alert)] {
        var changes: [(raised: Bool, alert: Alert)] = []
        for (key, reading) in readings {
            var entry = entries[key] ?? Entry()
            switch reading {
            case .unknown: break
            case let .holds(severity, message):
                entry.clear = 0
                entry.held += 1
                if entry.startedAt == nil { entry.startedAt = now }
                if entry.active != nil {
                    entry.active?.severity = severity
                    entry.active?.message = message
                } else if entry.held >= raiseAfter {
                    let alert = Alert(endpoint: endpoint, key: key, severity: severity, message: message, since: entry.startedAt ?? now)
                    entry.active = alert
                    changes.append((true, alert))
                }
            case .clear:
                entry.held = 0
                entry.startedAt = nil
                entry.clear += 1
                if let alert = entry.active, entry.clear >= clearAfter {
                    entry.active = nil
                    changes.append((false, alert))
                }
            }
            entries[key] = entry.active == nil && entry.held == 0 ? nil : entry
        }
        return changes
    }

    /// Tracked keys under `prefixes` that no reading of this poll named.
    func untracked(excluding keys: Set<String>, prefixes: [String]) -> [String] {
        entries.keys.filter { key in !keys.contains(key) && prefixes.contains { key.hasPrefix($0) } }
    }
}
