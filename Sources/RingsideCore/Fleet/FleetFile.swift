import Yams

/// The fleet file: what to poll and how. Parsing is pure (text in, `Fleet` out); reading the file is the caller's.
///
/// ```yaml
/// fleet: prod-eu
/// polling: { interval: 1s, timeout: 800ms }
/// thresholds: { slow_latency: 50ms, hit_ratio_warn: 80%, hit_ratio_critical: 60%, memory_warn: 90% }
/// nodes:
///   - { name: mc-1, kind: memcached, address: 10.0.0.1:11211, pool: sessions }
///   - name: redis-a
///     kind: redis
///     address: 10.0.0.5:6379
///     auth: { username: monitor, password_env: REDIS_A_PASSWORD }
///     commands: { INFO: MYINFO }
/// balancers:
///   - { name: edge, kind: haproxy, address: 10.0.0.9:9999 }
///   - { name: twem, kind: twemproxy, address: 10.0.0.10:22222, nutcracker_config: /etc/nutcracker.yml }
/// rings:
///   - { name: app-ring, balancer: edge, backend: be_app, hash_type: consistent }   # HAProxy, read live
///   - { name: alpha, balancer: twem, pool: alpha }                                  # from the nutcracker config
///   - name: php-sessions                                                            # client-side hashing
///     scheme: libmemcached
///     members: [{ node: mc-1 }, { name: mc-9, address: 10.0.0.9:11211, weight: 2 }]
/// ```
public enum FleetFile {
    public static func parse(_ text: String, file: String) throws -> Fleet {
        let reader = YAMLReader(file: file)
        let root = try reader.root(of: text)
        let top = try reader.entries(
            reader.mapping(root, "the fleet file"), allowed: ["fleet", "polling", "thresholds", "nodes", "balancers", "rings", "read_only", "audit_log"],
            in: "the fleet file")
        var fleet = Fleet(name: try top["fleet"].map { try reader.string($0.value, "fleet") } ?? "fleet", endpoints: [])
        if let polling = top["polling"] { fleet.polling = try parsePolling(polling.value, reader) }
        if let thresholds = top["thresholds"] { fleet.thresholds = try parseThresholds(thresholds.value, reader) }
        if let readOnly = top["read_only"] { fleet.readOnly = try reader.bool(readOnly.value, "read_only") }
        if let audit = top["audit_log"] { fleet.auditLogPath = try reader.string(audit.value, "audit_log") }
        var names: Set<String> = []
        /// Each balancer's group, with its entry for an error's line.
        var groups: [(String, Node)] = []
        for (section, kinds) in [("nodes", [EndpointKind.memcached, .redis]), ("balancers", [.haproxy, .twemproxy])] {
            for node in try top[section].map({ try reader.sequence($0.value, section) }) ?? [] {
                let endpoint = try parseEndpoint(node, reader, section: section, kinds: kinds)
                guard names.insert(endpoint.name).inserted else {
                    throw reader.error(at: node, "the name '\(endpoint.name)' is used twice")
                }
                fleet.endpoints.append(endpoint)
                if let group = endpoint.group { groups.append((group, node)) }
            }
        }
        for (group, node) in groups where names.contains(group) {
            throw reader.error(at: node, "the group '\(group)' has the name of a node or balancer; name it apart")
        }
        var ringNames: Set<String> = []
        for node in try top["rings"].map({ try reader.sequence($0.value, "rings") }) ?? [] {
            let ring = try RingFile.parse(node, reader, fleet: fleet)
            guard ringNames.insert(ring.name).inserted else { throw reader.error(at: node, "the ring name '\(ring.name)' is used twice") }
            fleet.rings.append(ring)
        }
        guard !fleet.endpoints.isEmpty || !fleet.rings.isEmpty else {
            throw reader.error(at: root, "the fleet has no nodes, no balancers and no rings")
        }
        return fleet
    }

    private static func parsePolling(_ node: Node, _ reader: YAMLReader) throws -> PollSettings {
        let entries = try reader.entries(reader.mapping(node, "polling"), allowed: ["interval", "timeout", "max_backoff"], in: "polling")
        var settings = PollSettings()
        if let e = entries["interval"] { settings.interval = try reader.duration(e.value, "polling.interval") }
        if let e = entries["timeout"] { settings.timeout = try reader.duration(e.value, "polling.timeout") }
        if let e = entries["max_backoff"] { settings.maxBackoff = try reader.duration(e.value, "polling.max_backoff") }
        return settings
    }

    private static func parseThresholds(_ node: Node, _ reader: YAMLReader) throws -> Thresholds {
        let entries = try reader.entries(
            reader.mapping(node, "thresholds"),
            allowed: ["slow_latency", "hit_ratio_warn", "hit_ratio_critical", "evictions_per_second_warn", "memory_warn", "hot_spot_factor",
                      "alert_after", "clear_after"],
            in: "thresholds")
        var thresholds = Thresholds()
        if let e = entries["slow_latency"] { thresholds.slowLatency = try reader.duration(e.value, "thresholds.slow_latency") }
        if let e = entries["hit_ratio_warn"] { thresholds.hitRatioWarn = try reader.fraction(e.value, "thresholds.hit_ratio_warn") }
        if let e = entries["hit_ratio_critical"] {
            thresholds.hitRatioCritical = try reader.fraction(e.value, "thresholds.hit_ratio_critical")
        }
        if let e = entries["evictions_per_second_warn"] {
            thresholds.evictionsPerSecondWarn = Double(try reader.integer(e.value, "thresholds.evictions_per_second_warn", in: 0...Int.max))
        }
        if let e = entries["memory_warn"] { thresholds.memoryFractionWarn = try reader.fraction(e.value, "thresholds.memory_warn") }
        if let e = entries["hot_spot_factor"] {
            let text = try reader.string(e.value, "thresholds.hot_spot_factor")
            guard let factor = Double(text), factor > 1 else {
                throw reader.error(at: e.value, "thresholds.hot_spot_factor must be a number above 1, like 1.5 (got '\(text)')")
            }
            thresholds.hotSpotFactor = factor
        }
        if let e = entries["alert_after"] { thresholds.alertAfterPolls = try reader.integer(e.value, "thresholds.alert_after", in: 1...1000) }
        if let e = entries["clear_after"] { thresholds.clearAfterPolls = try reader.integer(e.value, "thresholds.clear_after", in: 1...1000) }
        return thresholds
    }

    private static func parseEndpoint(_ node: Node, _ reader: YAMLReader, section: String, kinds: [EndpointKind]) throws -> Endpoint {
        let what = "an entry of \(section)"
        let entries = try reader.entries(
            reader.mapping(node, what),
            allowed: ["name", "kind", "address", "pool", "auth", "commands", "nutcracker_config", "group", "apply_command"], in: what)
        guard let nameEntry = entries["name"] else { throw reader.error(at: node, "\(what) needs a name") }
        let name = try reader.string(nameEntry.value, "name")
        guard let kindEntry = entries["kind"] else { throw reader.error(at: node, "'\(name)' needs a kind (\(kindList(kinds)))") }
        let kindText = try reader.string(kindEntry.value, "kind")
        guard let kind = EndpointKind(rawValue: kindText.lowercased()), kinds.contains(kind) else {
            throw reader.error(at: kindEntry.value, "'\(name)': kind '\(kindText)' is not one of \(kindList(kinds)) in \(section)")
        }
        guard let addressEntry = entries["address"] else { throw reader.error(at: node, "'\(name)' needs an address (host:port)") }
        let address: HostPort
        switch HostPort.parse(try reader.string(addressEntry.value, "address")) {
        case let .success(parsed): address = parsed
        case let .failure(problem): throw reader.error(at: addressEntry.value, "'\(name)': address \(problem)")
        }
        var endpoint = Endpoint(name: name, kind: kind, address: address)
        endpoint.pool = try entries["pool"].map { try reader.string($0.value, "pool") }
        if let auth = entries["auth"] {
            guard kind == .redis else { throw reader.error(at: auth.key, "'\(name)': auth applies to redis nodes only") }
            endpoint.credentials = try parseCredentials(auth.value, reader, node: name)
        }
        if let commands = entries["commands"] {
            for (key, value) in try reader.mapping(commands.value, "commands") {
                endpoint.commandAliases[try reader.string(key, "a command name").uppercased()] = try reader.string(value, "a command alias")
            }
        }
        if let config = entries["nutcracker_config"] {
            guard kind == .twemproxy else {
                throw reader.error(at: config.key, "'\(name)': nutcracker_config applies to twemproxy balancers only")
            }
            endpoint.nutcrackerConfigPath = try reader.string(config.value, "nutcracker_config")
        }
        if let apply = entries["apply_command"] {
            guard kind == .twemproxy else { throw reader.error(at: apply.key, "'\(name)': apply_command applies to twemproxy balancers only") }
            endpoint.applyCommand = try reader.string(apply.value, "apply_command")
        }
        if let group = entries["group"] {
            guard kind == .haproxy else { throw reader.error(at: group.key, "'\(name)': group applies to HAProxy balancers only") }
            endpoint.group = try reader.string(group.value, "group")
        }
        return endpoint
    }

    private static func parseCredentials(_ node: Node, _ reader: YAMLReader, node name: String) throws -> Credentials {
        let entries = try reader.entries(
            reader.mapping(node, "auth"), allowed: ["username", "password_env", "password_file", "password"], in: "auth")
        if let literal = entries["password"] {
            throw reader.error(
                at: literal.key, "'\(name)': a password is never written in the fleet file; use password_env or password_file")
        }
        let source: SecretSource
        switch (entries["password_env"], entries["password_file"]) {
        case let (env?, nil): source = .environment(try reader.string(env.value, "password_env"))
        case let (nil, file?): source = .file(try reader.string(file.value, "password_file"))
        case (_?, _?): throw reader.error(at: node, "'\(name)': give password_env or password_file, not both")
        case (nil, nil): throw reader.error(at: node, "'\(name)': auth needs password_env or password_file")
        }
        return Credentials(username: try entries["username"].map { try reader.string($0.value, "username") }, password: source)
    }

    private static func kindList(_ kinds: [EndpointKind]) -> String { kinds.map(\.rawValue).joined(separator: " or ") }
}
