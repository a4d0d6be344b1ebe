import Foundation

/// Starts the real servers the live tests talk to, each on free loopback ports.
public enum Daemons {
    /// memcached with `memoryMB` of cache; runs as root only when the tests do (CI), as memcached demands `-u`.
    /// Give `port` to restart a node where it was (a cold restart in a drill); give `host` (another 127.0.0.x)
    /// to run several on the same port, as fleets on port 11211 do.
    public static func memcached(memoryMB: Int = 64, host: String = "127.0.0.1", port fixedPort: Int? = nil) throws -> Daemon {
        try launchRetrying(fixedPort: fixedPort) { port in
            var arguments = ["-l", host, "-p", "\(port)", "-U", "0", "-m", "\(memoryMB)", "-t", "1"]
            if geteuid() == 0 { arguments += ["-u", "root"] }
            return try Daemon(.memcached, arguments: arguments, port: port, host: host, directory: try Daemon.scratchDirectory("memcached"))
        }
    }

    /// redis-server without persistence; with `requirepass` when a password is given, and an ACL user when both
    /// a user and a password are given.
    public static func redis(password: String? = nil, aclUser: (name: String, password: String)? = nil, extra: [String] = []) throws -> Daemon {
        try launchRetrying { port in
            let directory = try Daemon.scratchDirectory("redis")
            var arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path]
            if let password { arguments += ["--requirepass", password] }
            if let aclUser { arguments += ["--user", aclUser.name, "on", ">\(aclUser.password)", "~*", "+@all"] }
            return try Daemon(.redis, arguments: arguments + extra, port: port, directory: directory)
        }
    }

    /// HAProxy with its Runtime API on TCP (admin level) and the given backends, in TCP mode.
    public static func haproxy(backends: [HAProxyBackendSpec], apiLevel: String = "admin") throws -> Daemon {
        try launchRetrying { port in
            let directory = try Daemon.scratchDirectory("haproxy")
            let config = HAProxyBackendSpec.config(runtimePort: port, level: apiLevel, backends: backends)
            let file = directory.appendingPathComponent("haproxy.cfg")
            try config.write(to: file, atomically: true, encoding: .utf8)
            return try Daemon(.haproxy, arguments: ["-f", file.path, "-db"], port: port, directory: directory)
        }
    }

    /// nutcracker with one memcached pool; `servers` are config lines (`host:port:weight [name]`), `hash` its key
    /// hash; `statsIntervalMs` is how often it aggregates counters.
    public static func nutcracker(
        pool: String = "alpha", servers: [String], hash: String = "fnv1a_64", autoEject: Bool = true, retryTimeoutMs: Int = 30_000,
        failureLimit: Int = 1, statsIntervalMs: Int = 200
    ) throws -> (daemon: Daemon, configPath: String, listenPort: Int) {
        var listenPort = 0
        var configPath = ""
        let daemon = try launchRetrying { port in
            listenPort = freeLoopbackPort()
            let directory = try Daemon.scratchDirectory("nutcracker")
            let config = """
                \(pool):
                  listen: 127.0.0.1:\(listenPort)
                  hash: \(hash)
                  distribution: ketama
                  auto_eject_hosts: \(autoEject)
                  server_retry_timeout: \(retryTimeoutMs)
                  server_failure_limit: \(failureLimit)
                  timeout: 400
                  servers:
                \(servers.map { "   - \($0)" }.joined(separator: "\n"))

                """
            let file = directory.appendingPathComponent("nutcracker.yml")
            try config.write(to: file, atomically: true, encoding: .utf8)
            configPath = file.path
            return try Daemon(
                .nutcracker,
                arguments: ["-c", file.path, "-s", "\(port)", "-a", "127.0.0.1", "-i", "\(statsIntervalMs)", "-o", directory.appendingPathComponent("nutcracker.log").path],
                port: port, readyPorts: [port, listenPort], directory: directory)
        }
        return (daemon, configPath, listenPort)
    }

    /// HAProxy in HTTP mode with one hashing backend on `listenPort`; each server is a frontend of the same
    /// HAProxy that answers with its own name, so a response says who served the request.
    public static func haproxyEchoing(
        balance: String, hashType: String, servers: [HAProxyBackendSpec.Server]
    ) throws -> (daemon: Daemon, listenPort: Int) {
        var listenPort = 0
        let daemon = try launchRetrying { port in
            listenPort = freeLoopbackPort()
            let directory = try Daemon.scratchDirectory("haproxy")
            var lines = [
                "global", "    stats socket ipv4@127.0.0.1:\(port) level admin", "    stats timeout 2m",
                "defaults", "    mode http", "    timeout connect 500ms", "    timeout client 5s", "    timeout server 5s",
                "frontend fe_hash", "    bind 127.0.0.1:\(listenPort)", "    default_backend be_hash",
                "backend be_hash", "    balance \(balance)", "    hash-type \(hashType)",
            ]
            for server in servers {
                lines.append("    server \(server.name) 127.0.0.1:\(server.port) weight \(server.weight)" + (server.id.map { " id \($0)" } ?? ""))
            }
            for server in servers {
                lines += ["frontend echo_\(server.name)", "    bind 127.0.0.1:\(server.port)", "    http-request return status 200 content-type text/plain string \(server.name)"]
            }
            let file = directory.appendingPathComponent("haproxy.cfg")
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            return try Daemon(.haproxy, arguments: ["-f", file.path, "-db"], port: port, readyPorts: [port, listenPort] + servers.map(\.port), directory: directory)
        }
        return (daemon, listenPort)
    }

    /// nginx with one `hash $http_x_key consistent` upstream on `listenPort`; each upstream server (`down` ones
    /// included, as written in its config) is a server block of the same nginx that answers with its name.
    public static func nginxEchoing(servers: [(name: String, port: Int, weight: Int, down: Bool)]) throws -> (daemon: Daemon, listenPort: Int) {
        let listenPort = freeLoopbackPort()
        let daemon = try launchRetrying { port in
            let directory = try Daemon.scratchDirectory("nginx")
            let path = directory.path
            let upstream = servers.map { "    server 127.0.0.1:\($0.port) weight=\($0.weight)\($0.down ? " down" : "");" }
            let echoes = servers.map { "  server { listen 127.0.0.1:\($0.port); location / { return 200 \"\($0.name)\"; } }" }
            let config = [
                "daemon off;", "master_process off;", "worker_processes 1;", "pid \(path)/nginx.pid;", "error_log \(path)/error.log;",
                "events { worker_connections 256; }", "http {", "  access_log off; keepalive_requests 100000;",
                "  client_body_temp_path \(path)/body; proxy_temp_path \(path)/proxy; fastcgi_temp_path \(path)/fastcgi;",
                "  uwsgi_temp_path \(path)/uwsgi; scgi_temp_path \(path)/scgi;",
                "  upstream hashed {", "    hash $http_x_key consistent;",
            ] + upstream + [
                "  }",
                "  server { listen 127.0.0.1:\(listenPort); location / { proxy_pass http://hashed; } }",
                // The runtime port only tells the launcher nginx is up.
                "  server { listen 127.0.0.1:\(port); location / { return 204; } }",
            ] + echoes + ["}"]
            let file = directory.appendingPathComponent("nginx.conf")
            try (config.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            return try Daemon(.nginx, arguments: ["-p", path, "-c", file.path], port: port, readyPorts: [port, listenPort] + servers.map(\.port), directory: directory)
        }
        return (daemon, listenPort)
    }

    /// Free ports can be taken between the check and the bind; try again on a new port a few times.
    private static func launchRetrying(fixedPort: Int? = nil, _ launch: (Int) throws -> Daemon) throws -> Daemon {
        var lastError: (any Error)?
        for _ in 0..<3 {
            do {
                return try launch(fixedPort ?? freeLoopbackPort())
            } catch let error as Daemon.LaunchError {
                if case .notInstalled = error { throw error }
                lastError = error
            }
        }
        throw lastError!
    }
}

/// A backend in a test HAProxy: TCP mode, servers at loopback ports.
public struct HAProxyBackendSpec: Sendable {
    public struct Server: Sendable {
        public var name: String
        public var port: Int
        public var weight: Int
        public var id: Int?
        public var checked: Bool

        public init(name: String, port: Int, weight: Int = 1, id: Int? = nil, checked: Bool = true) {
            self.name = name
            self.port = port
            self.weight = weight
            self.id = id
            self.checked = checked
        }
    }

    public var name: String
    public var balance: String
    public var hashType: String?
    public var servers: [Server]
    /// A TCP frontend on this port routing to the backend, for tests that hold client sessions open through it.
    public var frontendPort: Int?

    public init(name: String, balance: String = "roundrobin", hashType: String? = nil, servers: [Server], frontendPort: Int? = nil) {
        self.name = name
        self.balance = balance
        self.hashType = hashType
        self.servers = servers
        self.frontendPort = frontendPort
    }

    static func config(runtimePort: Int, level: String, backends: [HAProxyBackendSpec]) -> String {
        var lines = [
            "global", "    stats socket ipv4@127.0.0.1:\(runtimePort) level \(level)", "    stats timeout 2m",
            "defaults", "    mode tcp", "    timeout connect 500ms", "    timeout client 5s", "    timeout server 5s",
        ]
        for backend in backends {
            if let port = backend.frontendPort {
                lines += ["frontend fe_\(backend.name)", "    bind 127.0.0.1:\(port)", "    default_backend \(backend.name)"]
            }
            lines += ["backend \(backend.name)", "    balance \(backend.balance)"]
            if let hashType = backend.hashType { lines.append("    hash-type \(hashType)") }
            for server in backend.servers {
                var line = "    server \(server.name) 127.0.0.1:\(server.port) weight \(server.weight)"
                if let id = server.id { line += " id \(id)" }
                if server.checked { line += " check inter 100 fall 1 rise 1" }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
