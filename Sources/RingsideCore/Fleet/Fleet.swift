/// How often and how patiently ringside polls.
public struct PollSettings: Sendable, Equatable {
    public var interval: Duration
    /// Connect and per-request deadline: an endpoint that has not answered by then is down.
    public var timeout: Duration
    /// The longest wait between attempts while an endpoint keeps failing (never below the interval).
    ///
    /// Short by default: a failing endpoint costs one connection attempt per retry, and the moment a node comes
    /// back is the moment the operator is watching the screen. With 30 s a recovered node read DOWN for up to
    /// half a minute.
    public var maxBackoff: Duration

    public static let defaultMaxBackoff: Duration = .seconds(3)

    public init(interval: Duration = .seconds(1), timeout: Duration = .seconds(1), maxBackoff: Duration = PollSettings.defaultMaxBackoff) {
        self.interval = interval
        self.timeout = timeout
        self.maxBackoff = maxBackoff
    }

    /// The pause before the next attempt after `failures` consecutive failures: the interval, doubled per
    /// failure after the first, capped at `maxBackoff` (never below the interval).
    public func delay(afterConsecutiveFailures failures: Int) -> Duration {
        guard failures > 1 else { return interval }
        let factor = 1 << min(failures - 1, 16)
        return max(interval, min(interval * factor, maxBackoff))
    }
}

/// Limits that colour cells and raise events. Defaults follow what on-call engineers expect.
public struct Thresholds: Sendable, Equatable {
    /// A poll slower than this makes an endpoint `slow`.
    public var slowLatency: Duration = .milliseconds(50)
    public var hitRatioWarn: Double = 0.80
    public var hitRatioCritical: Double = 0.60
    /// Evictions per second above this warn (default: any).
    public var evictionsPerSecondWarn: Double = 0
    public var memoryFractionWarn: Double = 0.90
    /// A node whose share of the load exceeds its share of the ring by this factor is a hot spot (likely hot keys).
    public var hotSpotFactor: Double = 1.5
    /// An alert raises once its condition held for this many polls in a row…
    public var alertAfterPolls = 2
    /// …and clears once the condition was clear for this many polls in a row (no flapping).
    public var clearAfterPolls = 3

    public init() {}
}

/// Everything ringside watches, as declared in a fleet file or on the command line.
public struct Fleet: Sendable, Equatable {
    public var name: String
    public var endpoints: [Endpoint]
    public var polling: PollSettings
    public var thresholds: Thresholds
    /// Rings declared in the fleet file (`rings:`), in file order.
    public var rings: [RingDeclaration]

    public init(
        name: String, endpoints: [Endpoint], polling: PollSettings = .init(), thresholds: Thresholds = .init(), rings: [RingDeclaration] = []
    ) {
        self.name = name
        self.endpoints = endpoints
        self.rings = rings
        self.polling = polling
        self.thresholds = thresholds
    }

    /// The fleet file this fleet was read from, when it was (client-side ring changes are written there).
    public var sourcePath: String?
    /// `read_only: true`: nothing may change a server, whatever the command line says.
    public var readOnly = false
    /// Where actions are audited (`audit_log:`); `nil`: `$XDG_STATE_HOME/ringside/audit.jsonl`.
    public var auditLogPath: String?

    public var cacheNodes: [Endpoint] { endpoints.filter { $0.kind.isCacheNode } }

    /// The HAProxy balancers an action on `scope` lands on: the balancer of that name, or every member of the
    /// group of that name.
    public func haproxyMembers(of scope: String) -> [Endpoint] {
        endpoints.filter { $0.kind == .haproxy && ($0.name == scope || $0.group == scope) }
    }
    public var balancers: [Endpoint] { endpoints.filter { !$0.kind.isCacheNode } }
}
