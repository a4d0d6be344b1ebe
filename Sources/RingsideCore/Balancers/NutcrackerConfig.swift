import Yams

/// The parts of a nutcracker (twemproxy) YAML config ringside needs: per pool, ejection settings and servers.
public struct NutcrackerConfig: Sendable, Equatable {
    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var weight: Int
        public var name: String?
    }

    public struct Pool: Sendable, Equatable {
        public var name: String
        public var hash: String
        public var distribution: String
        public var hashTag: String?
        public var ejection: TwemproxyEjectionPolicy
        public var serverFailureLimit: Int
        public var servers: [Server]
    }

    public var pools: [Pool]

    public func pool(named name: String) -> Pool? { pools.first { $0.name == name } }

    /// Parses the config text; defaults are twemproxy 0.5.0's (src/nc_conf.h).
    public static func parse(_ text: String, file: String) throws -> NutcrackerConfig {
        let reader = YAMLReader(file: file)
        var pools: [Pool] = []
        for (key, value) in try reader.mapping(reader.root(of: text), "a nutcracker config") {
            let name = try reader.string(key, "a pool name")
            let settings = try reader.mapping(value, "pool '\(name)'")
            func field(_ field: String) -> Node? { settings[field] }
            var pool = Pool(
                name: name, hash: try field("hash").map { try reader.string($0, "hash") } ?? "fnv1a_64",
                distribution: try field("distribution").map { try reader.string($0, "distribution") } ?? "ketama",
                hashTag: try field("hash_tag").map { try reader.string($0, "hash_tag") },
                ejection: TwemproxyEjectionPolicy(
                    autoEjectHosts: try field("auto_eject_hosts").map { try reader.bool($0, "auto_eject_hosts") } ?? false,
                    retryTimeoutMilliseconds: try field("server_retry_timeout").map {
                        try reader.integer($0, "server_retry_timeout", in: 1...Int(Int32.max))
                    } ?? 30_000,
                    fromConfig: true),
                serverFailureLimit: try field("server_failure_limit").map {
                    try reader.integer($0, "server_failure_limit", in: 1...Int(Int32.max))
                } ?? 2,
                servers: [])
            for server in try field("servers").map({ try reader.sequence($0, "servers") }) ?? [] {
                pool.servers.append(try parseServer(server, reader))
            }
            pools.append(pool)
        }
        return NutcrackerConfig(pools: pools)
    }

    /// `host:port:weight [name]` (twemproxy src/nc_conf.c conf_add_server).
    private static func parseServer(_ node: Node, _ reader: YAMLReader) throws -> Server {
        let text = try reader.string(node, "a server")
        let words = text.split(separator: " ", maxSplits: 1)
        let fields = words[0].split(separator: ":")
        guard fields.count >= 3, let port = Int(fields[fields.count - 2]), let weight = Int(fields[fields.count - 1]), weight > 0 else {
            throw reader.error(at: node, "server '\(text)' must be host:port:weight [name] with a weight above 0")
        }
        return Server(
            host: fields.dropLast(2).joined(separator: ":"), port: port, weight: weight,
            name: words.count > 1 ? String(words[1]) : nil)
    }
}
