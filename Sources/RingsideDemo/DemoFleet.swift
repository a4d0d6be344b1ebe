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
        public var memoryMB = 8

        public init() {}
    }

    public let fleet: Fleet
    private let nodes: [SimulatedNode]
    private let memcachedServers: [SimulatedMemcachedServer]
    private let proxy: SimulatedTwemproxyServer
    private let traffic: LiveTraffic
    private let driver = Mutex<Task<Void, Never>?>(nil)

    public static func start(_ options: Options) async throws -> DemoFleet {
        let started = Date()
        let nodes = (1...max(1, options.nodes)).map { index in
            SimulatedNode(name: "mc-\(index)", limitBytes: options.memoryMB << 20, pid: 4000 + index)
        }
        var settings = TrafficModel.Settings()
        settings.seed = options.seed
        settings.skew = options.skew
        settings.rate = options.rate
        let traffic = LiveTraffic(TrafficModel(settings: settings))
        let clock: @Sendable () -> Double = { traffic.model.withLock { $0.now } }
        var servers: [SimulatedMemcachedServer] = []
        for node in nodes { servers.append(try await SimulatedMemcachedServer(node: node, clock: clock)) }
        let proxy = try await SimulatedTwemproxyServer(pool: "demo", nodes: nodes, started: started)
        let endpoints = zip(nodes, servers).map { node, server in
            Endpoint(name: node.name, kind: .memcached, address: HostPort(host: "127.0.0.1", port: server.port), pool: "demo")
        } + [Endpoint(name: "twem", kind: .twemproxy, address: HostPort(host: "127.0.0.1", port: proxy.port))]
        let fleet = DemoFleet(
            fleet: Fleet(name: "demo (seed \(options.seed))", endpoints: endpoints), nodes: nodes, servers: servers, proxy: proxy,
            traffic: traffic)
        fleet.startTraffic()
        return fleet
    }

    private init(fleet: Fleet, nodes: [SimulatedNode], servers: [SimulatedMemcachedServer], proxy: SimulatedTwemproxyServer, traffic: LiveTraffic) {
        self.fleet = fleet
        self.nodes = nodes
        memcachedServers = servers
        self.proxy = proxy
        self.traffic = traffic
    }

    /// Traffic advances in 100 ms steps of simulated time, paced by the wall clock.
    private func startTraffic() {
        let nodes = self.nodes, traffic = self.traffic
        driver.withLock {
            $0 = Task.detached {
                while !Task.isCancelled {
                    traffic.model.withLock { $0.advance(by: 0.1, nodes: nodes) }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    /// Reads the origin served because the cache missed, since the start.
    public var originFetches: UInt64 { traffic.model.withLock { $0.originFetches } }

    /// The fleet as a fleet file, for `ringside --config` or `ringside status` from another terminal.
    public var fleetFile: String {
        var lines = ["# ringside demo fleet: this process serves it while it runs", "fleet: \"\(fleet.name)\"", "nodes:"]
        for endpoint in fleet.cacheNodes {
            lines.append("  - { name: \(endpoint.name), kind: memcached, address: \"\(endpoint.address)\", pool: \(endpoint.pool ?? "demo") }")
        }
        lines.append("balancers:")
        for endpoint in fleet.balancers {
            lines.append("  - { name: \(endpoint.name), kind: \(endpoint.kind.rawValue), address: \"\(endpoint.address)\" }")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func stop() async {
        driver.withLock { $0?.cancel() }
        for server in memcachedServers { await server.stop() }
        await proxy.stop()
    }
}

/// The traffic model, shared by the driver that advances it and the servers that read its clock.
final class LiveTraffic: Sendable {
    let model: Mutex<TrafficModel>

    init(_ model: TrafficModel) {
        self.model = Mutex(model)
    }
}
