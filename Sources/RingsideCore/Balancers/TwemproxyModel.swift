/// One server in a twemproxy pool, as the stats port reports it.
public struct TwemproxyServer: Sendable, Equatable {
    /// The key the stats document uses: the server's name, `host:port`, or just `host` when the port is 11211.
    public var name: String
    /// µs since the epoch of the last ejection; never cleared, so 0 means "never ejected".
    public var ejectedAtMicroseconds: UInt64
    public var requests: UInt64
    public var responses: UInt64
    public var serverErrors: UInt64
    public var timeouts: UInt64
    public var eofs: UInt64
    public var connections: UInt64

    public init(
        name: String, ejectedAtMicroseconds: UInt64 = 0, requests: UInt64 = 0, responses: UInt64 = 0,
        serverErrors: UInt64 = 0, timeouts: UInt64 = 0, eofs: UInt64 = 0, connections: UInt64 = 0
    ) {
        self.name = name
        self.ejectedAtMicroseconds = ejectedAtMicroseconds
        self.requests = requests
        self.responses = responses
        self.serverErrors = serverErrors
        self.timeouts = timeouts
        self.eofs = eofs
        self.connections = connections
    }

    /// twemproxy has no "ejected now" field: a server is out while `now < ejected_at + server_retry_timeout`.
    public func isEjected(nowMicroseconds: UInt64, policy: TwemproxyEjectionPolicy) -> Bool {
        guard policy.autoEjectHosts, ejectedAtMicroseconds > 0 else { return false }
        return nowMicroseconds < ejectedAtMicroseconds + UInt64(policy.retryTimeoutMilliseconds) * 1000
    }
}

/// The part of a pool's nutcracker config that decides ejection.
public struct TwemproxyEjectionPolicy: Sendable, Equatable {
    public var autoEjectHosts: Bool
    public var retryTimeoutMilliseconds: Int
    /// `false` when the config was not given and twemproxy's defaults were assumed for display.
    public var fromConfig: Bool

    public init(autoEjectHosts: Bool, retryTimeoutMilliseconds: Int, fromConfig: Bool) {
        self.autoEjectHosts = autoEjectHosts
        self.retryTimeoutMilliseconds = retryTimeoutMilliseconds
        self.fromConfig = fromConfig
    }

    /// Without the config ringside cannot know `auto_eject_hosts`; it assumes ejection is on (a server with a
    /// recent `server_ejected_at` was ejected) and twemproxy's default 30 s retry timeout, and says so.
    public static let assumed = TwemproxyEjectionPolicy(autoEjectHosts: true, retryTimeoutMilliseconds: 30_000, fromConfig: false)
}

public struct TwemproxyPool: Sendable, Equatable {
    public var name: String
    public var clientConnections: UInt64
    public var serverEjects: UInt64
    public var forwardErrors: UInt64
    public var servers: [TwemproxyServer]

    public init(name: String, clientConnections: UInt64 = 0, serverEjects: UInt64 = 0, forwardErrors: UInt64 = 0, servers: [TwemproxyServer] = []) {
        self.name = name
        self.clientConnections = clientConnections
        self.serverEjects = serverEjects
        self.forwardErrors = forwardErrors
        self.servers = servers
    }
}

/// One document from a twemproxy stats port.
public struct TwemproxySnapshot: Sendable, Equatable {
    public var version: String
    public var uptimeSeconds: UInt64
    /// The proxy's own clock (seconds since the epoch): ejection is judged against it, not ringside's.
    public var timestamp: UInt64
    public var pools: [TwemproxyPool]

    public init(version: String, uptimeSeconds: UInt64, timestamp: UInt64, pools: [TwemproxyPool]) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.timestamp = timestamp
        self.pools = pools
    }
}
