import RingsideWire

/// A Redis Cluster of real redis-server masters on loopback: each started in cluster mode, the slots assigned
/// by `CLUSTER ADDSLOTSRANGE`, the nodes introduced by `CLUSTER MEET`, ready once every node reports
/// `cluster_state:ok`.
public enum RedisCluster {
    /// `slots[i]` is the range master i serves.
    public static func start(slots: [ClosedRange<Int>]) async throws -> [Daemon] {
        // Each node's cluster bus gets a port of its own from the test range: by default it is the client port
        // + 10000, which nobody checked was free (it lands in the kernel's ephemeral range), and a node that
        // cannot bind it refuses to start ("connection refused" in a loaded run).
        let busPorts = slots.map { _ in freeLoopbackPort() }
        let masters = try await offCooperativePool {
            try busPorts.map { bus in
                try Daemons.redis(extra: ["--cluster-enabled", "yes", "--cluster-port", "\(bus)", "--cluster-node-timeout", "5000"])
            }
        }
        do {
            for (master, range) in zip(masters, slots) {
                try await expectOK(master, ["CLUSTER", "ADDSLOTSRANGE", "\(range.lowerBound)", "\(range.upperBound)"])
            }
            for (other, bus) in zip(masters, busPorts).dropFirst() {
                try await expectOK(masters[0], ["CLUSTER", "MEET", "127.0.0.1", "\(other.port)", "\(bus)"])
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                var ready = true
                for master in masters {
                    let info = try await CacheTraffic.redisCommands(port: master.port, [["CLUSTER", "INFO"]])[0].text ?? ""
                    ready = ready && info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:\(masters.count)")
                }
                if ready { return masters }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw WireError.serverError("the Redis Cluster did not reach cluster_state:ok in 20 s")
        } catch {
            masters.forEach { $0.stop() }
            throw error
        }
    }

    private static func expectOK(_ node: Daemon, _ command: [String]) async throws {
        let reply = try await CacheTraffic.redisCommands(port: node.port, [command])[0]
        guard reply == .simple("OK") else { throw WireError.serverError("\(command.joined(separator: " ")) answered \(reply)") }
    }
}
