import Foundation
import RingsideCore
import Synchronization

/// A living fleet inside the process: simulated memcached nodes in one pool behind a twemproxy-style stats port,
/// with application traffic flowing through them. Ringside polls it over TCP exactly as it polls real servers.
public final class DemoFleet: Sendable {
    public struct Options: Sendable {
        public var seed: UInt64 = 1
        public var nodes = 6
        public var skew = 1.0
        public var rate = 2_000.0
        /// Distinct keys the applications use.
        public var keys = 20_000
        public var memoryMB = 8
        /// Drills change the simulated servers: in read-only mode the gate refuses them.
        public var gate = WriteGate.open
        /// Whether redis-2's password goes into a file, for another process (`--serve`); otherwise it stays in
        /// this process's environment and nothing needs cleaning up.
        public var passwordInAFile = false

        public init() {}
    }

    public let fleet: Fleet
    private let pool: RoutedPool
    /// Every cache node's server (memcached and Redis) by node name; a restart replaces it.
    private let nodeServers: Mutex<[String: Listener]>
    private let clock: @Sendable () -> Double
    private let proxy: Listener
    /// The Redis nodes' passwords (`nil`: none), so a restarted node asks for the same one.
    private let redisPasswords: [String: String?]
    private let balancer: SimulatedBalancer
    private let haproxy: Listener
    private let appRate: Double
    private let traffic: LiveTraffic
    /// The Redis pool's own applications.
    private let sessionTraffic: LiveTraffic
    private let sessionPool: RoutedPool
    private let driver = Mutex<Task<Void, Never>?>(nil)
    private let gate: WriteGate
    /// The origin load for the header, published by the traffic driver: the console reads it without waiting on
    /// the traffic model's lock, which a simulation step holds for as long as it runs.
    private let originNote = Mutex("origin — reads/s")

    public static func start(_ options: Options) async throws -> DemoFleet {
        let started = Date()
        let nodes = (1...max(1, options.nodes)).map { index in
            SimulatedNode(name: "mc-\(index)", limitBytes: options.memoryMB << 20, pid: 4000 + index)
        }
        var settings = TrafficModel.Settings()
        settings.seed = options.seed
        settings.skew = options.skew
        settings.rate = options.rate
        settings.keys = options.keys
        let traffic = LiveTraffic(TrafficModel(settings: settings))
        let clock: @Sendable () -> Double = { traffic.model.withLock { $0.now } }
        var servers: [Listener] = []
        for node in nodes { servers.append(try await SimulatedMemcachedServer.start(node: node, clock: clock)) }
        let proxy = try await SimulatedTwemproxyServer.start(pool: "demo", nodes: nodes, started: started)
        // A Redis pool for sessions: redis-2 wants a password, which the demo keeps in a file only this user reads.
        let redisNodes = [SimulatedNode(name: "redis-1", limitBytes: 4 << 20, pid: 6001), SimulatedNode(name: "redis-2", limitBytes: 4 << 20, pid: 6002)]
        let password = "demo-\(UInt32.random(in: 0...UInt32.max))"
        let passwordSource = try DemoPassword.store(password, inAFile: options.passwordInAFile)
        let redisServers = [
            try await SimulatedRedisServer.start(node: redisNodes[0], password: nil, clock: clock),
            try await SimulatedRedisServer.start(node: redisNodes[1], password: password, clock: clock),
        ]
        var sessionSettings = settings
        sessionSettings.seed = options.seed &+ 1
        sessionSettings.rate = options.rate / 4
        sessionSettings.keys = 5_000
        let sessionTraffic = LiveTraffic(TrafficModel(settings: sessionSettings))
        let balancer = SimulatedBalancer()
        let haproxy = try await SimulatedHAProxyServer.start(balancer: balancer, started: started, clock: clock)
        let endpoints = zip(nodes, servers).map { node, server in
            Endpoint(name: node.name, kind: .memcached, address: HostPort(host: "127.0.0.1", port: server.port), pool: "demo")
        } + [
            Endpoint(name: "redis-1", kind: .redis, address: HostPort(host: "127.0.0.1", port: redisServers[0].port), pool: "sessions"),
            Endpoint(
                name: "redis-2", kind: .redis, address: HostPort(host: "127.0.0.1", port: redisServers[1].port), pool: "sessions",
                credentials: Credentials(password: passwordSource)),
            Endpoint(name: "twem", kind: .twemproxy, address: HostPort(host: "127.0.0.1", port: proxy.port)),
            Endpoint(name: "edge", kind: .haproxy, address: HostPort(host: "127.0.0.1", port: haproxy.port)),
        ]
        // The rings the console shows: the two cache pools as the demo routes them, and the edge's app backend.
        func poolRing(_ name: String, _ pool: [SimulatedNode]) -> RingDeclaration {
            let members = pool.map { node in RingMember(name: node.name, address: endpoints.first { $0.name == node.name }!.address.description) }
            return RingDeclaration(name: name, source: .members(RoutedPool.scheme, members), balancer: name == "demo" ? "twem" : nil)
        }
        let rings = [
            poolRing("demo", nodes), poolRing("sessions", redisNodes),
            RingDeclaration(
                name: "edge/be_app", source: .haproxyBackend(address: endpoints.last!.address, backend: "be_app", hashType: .default), balancer: "edge"),
        ]
        let fleet = DemoFleet(
            fleet: Fleet(name: "demo (seed \(options.seed))", endpoints: endpoints, rings: rings), nodes: nodes, servers: servers, proxy: proxy,
            redis: (redisNodes, redisServers, password, sessionTraffic), balancer: (balancer, haproxy, options.rate), traffic: traffic, clock: clock,
            gate: options.gate)
        fleet.startTraffic()
        return fleet
    }

    private init(
        fleet: Fleet, nodes: [SimulatedNode], servers: [Listener], proxy: Listener,
        redis: (nodes: [SimulatedNode], servers: [Listener], password: String, traffic: LiveTraffic),
        balancer: (model: SimulatedBalancer, server: Listener, rate: Double), traffic: LiveTraffic,
        clock: @escaping @Sendable () -> Double, gate: WriteGate
    ) {
        self.fleet = fleet
        self.gate = gate
        pool = RoutedPool(nodes)
        sessionPool = RoutedPool(redis.nodes)
        redisPasswords = ["redis-1": nil, "redis-2": redis.password]
        sessionTraffic = redis.traffic
        self.balancer = balancer.model
        haproxy = balancer.server
        appRate = balancer.rate
        nodeServers = Mutex(Dictionary(uniqueKeysWithValues: zip(nodes.map(\.name) + redis.nodes.map(\.name), servers + redis.servers)))
        self.clock = clock
        self.proxy = proxy
        self.traffic = traffic
    }

    /// Traffic advances in 100 ms steps of simulated time, paced by the wall clock.
    private func startTraffic() {
        let pool = self.pool, traffic = self.traffic, sessionPool = self.sessionPool, sessionTraffic = self.sessionTraffic
        let balancer = self.balancer, appRate = self.appRate
        driver.withLock {
            $0 = Task.detached {
                while !Task.isCancelled {
                    traffic.model.withLock { $0.advance(by: 0.1, through: pool) }
                    sessionTraffic.model.withLock { $0.advance(by: 0.1, through: sessionPool) }
                    balancer.advance(requestsPerSecond: appRate, seconds: 0.1)
                    self.publishOriginLoad()
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// Reads the origin served because the cache missed, since the start.
    public var originFetches: UInt64 { traffic.model.withLock { $0.originFetches } }

    /// The last whole simulated second's origin reads, and where the next second starts.
    private let originMeter = Mutex((perSecond: 0.0, since: 0.0, fetches: UInt64(0)))

    /// "origin 84 reads/s": the load the cache misses put on the origin over the last simulated second, for the
    /// console's header (a stampede or a cold restart shows here first). Never waits on the simulation.
    public func originLoadNote() -> String { originNote.withLock { $0 } }

    private func publishOriginLoad() {
        let (now, fetches) = traffic.model.withLock { ($0.now, $0.originFetches) }
        let rate = originMeter.withLock { meter -> Double in
            if now - meter.since >= 1 {
                meter.perSecond = Double(fetches - meter.fetches) / (now - meter.since)
                meter = (meter.perSecond, now, fetches)
            }
            return meter.perSecond
        }
        originNote.withLock { $0 = "origin \(Int(rate.rounded())) reads/s" }
    }

    /// The fleet as a fleet file, for `ringside --config` or `ringside status` from another terminal.
    public var fleetFile: String {
        var lines = ["# ringside demo fleet: this process serves it while it runs", "fleet: \"\(fleet.name)\"", "nodes:"]
        for endpoint in fleet.cacheNodes {
            var line = "  - { name: \(endpoint.name), kind: \(endpoint.kind.rawValue), address: \"\(endpoint.address)\", pool: \(endpoint.pool ?? "demo")"
            if case let .file(path)? = endpoint.credentials?.password { line += ", auth: { password_file: \"\(path)\" }" }
            lines.append(line + " }")
        }
        lines.append("balancers:")
        for endpoint in fleet.balancers {
            lines.append("  - { name: \(endpoint.name), kind: \(endpoint.kind.rawValue), address: \"\(endpoint.address)\" }")
        }
        lines.append("rings:")
        for ring in fleet.rings {
            switch ring.source {
            case let .members(_, members):
                lines.append("  - { name: \(ring.name), scheme: twemproxy, hash: fnv1a_64, members: [\(members.map { "{ node: \($0.name) }" }.joined(separator: ", "))] }")
            case let .haproxyBackend(_, backend, _):
                lines.append("  - { name: \(ring.name), balancer: \(ring.balancer ?? "edge"), backend: \(backend) }")
            case .twemproxyPool, .redisCluster: break
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func stop() async {
        driver.withLock { $0?.cancel() }
        for server in nodeServers.withLock({ Array($0.values) }) { await server.stop() }
        await haproxy.stop()
        await proxy.stop()
        for endpoint in fleet.endpoints {
            if let source = endpoint.credentials?.password { DemoPassword.remove(source) }
        }
    }

    /// The drill commands, for the console's `:` line and for `--scenario` timelines.
    public static let commands: [(String, String)] = [
        ("kill NODE", "stop a memcached or Redis node: connections refused, its reads go to the origin"),
        ("restart NODE", "bring a killed node back on its port, with a cold cache"),
        ("hang NODE", "the node accepts and never answers"),
        ("slow NODE MS", "the node answers after MS milliseconds"),
        ("garbage NODE", "the node answers bytes that are not memcached"),
        ("heal NODE", "the node answers normally again"),
        ("hotkey [SHARE] [SECONDS]", "a share of all requests hits one key (default 0.3 for 60 s)"),
        ("spike FACTOR [SECONDS]", "multiply the request rate (default for 30 s)"),
        ("expire [COUNT]", "the most popular keys expire at once (default 500): a stampede on the origin"),
        ("drain|maint|ready BACKEND/SERVER", "change an app server's state in the simulated HAProxy: its share moves to the others"),
        ("weight BACKEND/SERVER N", "change an app server's weight in the simulated HAProxy"),
    ]

    /// Scripted drills for `--scenario`: commands at seconds after the start.
    public static let scenarios: [String: [(seconds: Double, command: String)]] = [
        "node-failure": [(15, "kill mc-2"), (45, "restart mc-2")],
        "stampede": [(20, "expire 2000")],
        "hot-key": [(10, "hotkey 0.4 60")],
        "spike": [(10, "spike 3 30")],
        "slow-node": [(10, "slow mc-3 300"), (40, "heal mc-3")],
        "hung-node": [(10, "hang mc-3"), (40, "heal mc-3")],
        "garbage-node": [(10, "garbage mc-3"), (40, "heal mc-3")],
    ]

    /// Plays a scenario's commands at their times, in the background.
    public func play(scenario name: String) throws {
        guard let steps = Self.scenarios[name] else {
            throw DemoError("unknown scenario '\(name)'; scenarios: \(Self.scenarios.keys.sorted().joined(separator: ", "))")
        }
        Task.detached {
            let start = ContinuousClock.now
            for step in steps {
                try? await Task.sleep(until: start + .milliseconds(Int(step.seconds * 1000)), clock: .continuous)
                _ = await self.run(step.command)
            }
        }
    }

    /// Runs a drill command; the answer says what happened (or what is wrong with the line), or `nil` when `line`
    /// is not a drill command. In read-only mode every drill is refused: they change the simulated servers.
    public func run(_ line: String) async -> String? {
        let nodes = pool.nodes + sessionPool.nodes
        guard let parsed = DrillCommand.parse(line, nodes: nodes.map(\.name), keys: traffic.model.withLock { $0.settings.keys }) else { return nil }
        let command: DrillCommand
        switch parsed {
        case let .failure(problem): return problem.description
        case let .success(value): command = value
        }
        do {
            try gate.permit(line)
        } catch {
            return error.description
        }
        func node(_ name: String) -> SimulatedNode { nodes.first { $0.name == name }! }
        switch command {
        case let .kill(name): return await drill("kill", node(name), milliseconds: 0)
        case let .restart(name): return await drill("restart", node(name), milliseconds: 0)
        case let .hang(name): return await drill("hang", node(name), milliseconds: 0)
        case let .garbage(name): return await drill("garbage", node(name), milliseconds: 0)
        case let .heal(name): return await drill("heal", node(name), milliseconds: 0)
        case let .slow(name, milliseconds): return await drill("slow", node(name), milliseconds: milliseconds)
        case let .hotKey(share, seconds):
            traffic.model.withLock { $0.hotKey = ("key:hot", share, $0.now + seconds) }
            return "hot key: \(Int((share * 100).rounded()))% of requests go to key:hot for \(Int(seconds)) s"
        case let .spike(factor, seconds):
            traffic.model.withLock { $0.spike = (factor, $0.now + seconds) }
            return "traffic ×\(factor) for \(Int(seconds)) s"
        case let .serverState(server, state):
            let reply = balancer.set(["set", "server", server, "state", state], now: clock())
            return reply.isEmpty ? "edge: \(server) \(state)" : "edge answered: \(reply.trimmingCharacters(in: .newlines))"
        case let .serverWeight(server, weight):
            let reply = balancer.set(["set", "server", server, "weight", weight], now: clock())
            return reply.isEmpty ? "edge: \(server) weight \(weight)" : "edge answered: \(reply.trimmingCharacters(in: .newlines))"
        case let .expire(count):
            let (keys, now) = traffic.model.withLock { ($0.popularKeys(count), $0.now) }
            for node in pool.nodes { node.state.withLock { $0.store.expireNow(keys, now: now) } }
            return "the \(count) most popular keys expired: every read of them now goes to the origin"
        }
    }

    private func drill(_ verb: String, _ node: SimulatedNode, milliseconds: Int) async -> String {
        switch verb {
        case "kill":
            guard let server = nodeServers.withLock({ $0.removeValue(forKey: node.name) }) else { return "\(node.name) is already down" }
            node.state.withLock { $0.alive = false }
            await server.stop()
            return "\(node.name) killed"
        case "restart":
            guard nodeServers.withLock({ $0[node.name] == nil }) else { return "\(node.name) is running; kill it first" }
            let port = fleet.endpoints.first { $0.name == node.name }!.address.port
            let now = clock()
            node.state.withLock { state in
                state.store.reset()
                state.pid += 100
                state.startedAt = now
                state.behaviour = .normal
                state.alive = true
            }
            // The old port can be briefly taken: listening ports come from the same ephemeral range as client
            // source ports, so a connection made during the outage may hold it. Retry for up to five seconds.
            var lastError: (any Error)?
            for _ in 0..<100 {
                do {
                    let server = try await startServer(for: node, port: port)
                    nodeServers.withLock { $0[node.name] = server }
                    return "\(node.name) restarted with a cold cache"
                } catch {
                    lastError = error
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            node.state.withLock { $0.alive = false }
            return "\(node.name) could not listen on port \(port) again: \(lastError.map { "\($0)" } ?? "unknown error")"
        default:
            let behaviour: SimulatedNode.Behaviour = switch verb {
            case "hang": .hang
            case "slow": .slow(milliseconds: milliseconds)
            case "garbage": .garbage
            default: .normal
            }
            node.state.withLock { $0.behaviour = behaviour }
            return "\(node.name): \(verb == "heal" ? "answering normally" : verb)"
        }
    }
}

extension DemoFleet {
    /// A node's server again: Redis for the sessions pool (with its password), memcached otherwise.
    fileprivate func startServer(for node: SimulatedNode, port: Int) async throws -> Listener {
        if let password = redisPasswords[node.name] {
            return try await SimulatedRedisServer.start(node: node, password: password, port: port, clock: clock)
        }
        return try await SimulatedMemcachedServer.start(node: node, port: port, clock: clock)
    }
}

public struct DemoError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The traffic model, shared by the driver that advances it and the servers that read its clock.
final class LiveTraffic: Sendable {
    let model: Mutex<TrafficModel>

    init(_ model: TrafficModel) {
        self.model = Mutex(model)
    }
}
