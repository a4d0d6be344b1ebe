/// What ringside polls at an address.
public enum EndpointKind: String, Sendable, Codable, CaseIterable {
    case memcached
    case redis
    case haproxy
    case twemproxy

    /// Cache nodes hold data; the others are balancers in front of them.
    public var isCacheNode: Bool { self == .memcached || self == .redis }
}

/// A TCP address as written by an operator: `host:port`, or `[v6]:port`.
public struct HostPort: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6addr]:port`; the reason it is wrong otherwise.
    public static func parse(_ text: String) -> Result<HostPort, AddressError> {
        let hostPart: Substring, portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(AddressError(text: text, reason: "expected [address]:port"))
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(AddressError(text: text, reason: "expected host:port"))
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { return .failure(AddressError(text: text, reason: "the host is empty")) }
        guard let port = Int(portPart), (1...65535).contains(port) else {
            return .failure(AddressError(text: text, reason: "the port must be a number from 1 to 65535"))
        }
        return .success(HostPort(host: String(hostPart), port: port))
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct AddressError: Error, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "'\(text)': \(reason)" }
}

/// Where a secret comes from. The secret itself never appears in the fleet file, on the command line or in output.
public enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(String)
}

/// Credentials for a Redis/Valkey node: a password, or an ACL user with a password.
public struct Credentials: Sendable, Equatable {
    public var username: String?
    public var password: SecretSource

    public init(username: String? = nil, password: SecretSource) {
        self.username = username
        self.password = password
    }
}

/// One thing ringside polls: a cache node or a balancer admin endpoint.
public struct Endpoint: Sendable, Equatable, Identifiable {
    public var name: String
    public var kind: EndpointKind
    public var address: HostPort
    /// The cache pool a node belongs to (pool rows sum the deltas of their nodes).
    public var pool: String?
    public var credentials: Credentials?
    /// Renamed commands (`rename-command INFO MYINFO`), keyed by the standard name.
    public var commandAliases: [String: String]
    /// twemproxy only: the nutcracker YAML, for `server_retry_timeout` and `auto_eject_hosts`.
    public var nutcrackerConfigPath: String?
    /// twemproxy only: the command that makes a rewritten nutcracker config live (`systemctl restart nutcracker`).
    public var applyCommand: String?
    /// Balancers only: the pair (or set) this balancer runs in. An action on the group lands on every member.
    public var group: String?

    public var id: String { name }

    public init(
        name: String, kind: EndpointKind, address: HostPort, pool: String? = nil, credentials: Credentials? = nil,
        commandAliases: [String: String] = [:], nutcrackerConfigPath: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.address = address
        self.pool = pool
        self.credentials = credentials
        self.commandAliases = commandAliases
        self.nutcrackerConfigPath = nutcrackerConfigPath
    }
}
