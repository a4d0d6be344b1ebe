import RingsideCore
import RingsideEngine

/// Which slot a value is drawn in, from the fleet's thresholds. Colour is never the only signal: the numbers and
/// state words are always printed too.
enum Severity {
    static func health(_ health: Health) -> Slot {
        switch health {
        case .up: .ok
        case .slow: .warn
        case .unknown: .dim
        case .down, .authFailed, .protocolError: .critical
        }
    }

    static func hitRatio(_ ratio: Double?, _ thresholds: Thresholds) -> Slot {
        guard let ratio else { return .dim }
        if ratio < thresholds.hitRatioCritical { return .critical }
        return ratio < thresholds.hitRatioWarn ? .warn : .body
    }

    static func evictions(_ rate: Double?, _ thresholds: Thresholds) -> Slot {
        guard let rate else { return .dim }
        return rate > thresholds.evictionsPerSecondWarn ? .warn : .body
    }

    static func memory(_ fraction: Double?, _ thresholds: Thresholds) -> Slot {
        guard let fraction else { return .dim }
        return fraction > thresholds.memoryFractionWarn ? .warn : .bar
    }

    static func latency(_ latency: Duration?, _ thresholds: Thresholds) -> Slot {
        guard let latency else { return .dim }
        return latency > thresholds.slowLatency ? .warn : .body
    }

    static func haproxyServer(_ status: HAProxyStatus) -> Slot {
        if status.isFailing { return .critical }
        switch status.state {
        case .up, .noCheck, .open: return .ok
        case .drain, .maint, .nolb: return .warn
        case .down, .unknown: return .critical
        }
    }
}
