import Foundation
import NIOCore
import RingsideCore
import RingsideEngine
import RingsideTestSupport
import RingsideWire
import Synchronization
import Testing

/// `ringside rebalance … --warm` on a real nutcracker pool of real memcached nodes, under cache-aside traffic.
@Suite(.serialized, .heavy, .enabled(if: DaemonKind.nutcracker.shouldRunLiveTests && DaemonKind.memcached.shouldRunLiveTests, "needs nutcracker and memcached"))
struct RebalanceWarmTests {
    /// Three memcached nodes behind a restartable nutcracker, a fleet file naming them, and 3,000 keys set through it.
    struct Pool {
        let caches: [Daemon]
        let nutcracker: RestartableNutcracker
        let fleetFile: String
        let keys: [String]

        init() async throws {
            caches = try await offCooperativePool { try (1...3).map { _ in try Daemons.memcached() } }
            nutcracker = try await RestartableNutcracker(servers: caches.enumerated().map { (name: "mc-\($0 + 1)", port: $1.port) })
            fleetFile = nutcracker.directory.appendingPathComponent("fleet.yaml").path
            try """
                fleet: t
                audit_log: \(nutcracker.directory.path)/audit.jsonl
                balancers:
                  - name: twem
                    kind: twemproxy
                    address: 127.0.0.1:\(nutcracker.statsPort)
                    nutcracker_config: \(nutcracker.configPath)
                    apply_command: \(nutcracker.restartCommand.debugDescription)
                nodes:
                \(caches.enumerated().map { "  - { name: mc-\($0 + 1), kind: memcached, address: 127.0.0.1:\($1.port) }" }.joined(separator: "\n"))
                """.write(toFile: fleetFile, atomically: true, encoding: .utf8)
            keys = (0..<3000).map { "user:\($0)" }
            let client = CacheAsideClient(port: nutcracker.listenPort)
            _ = try await client.pass(over: keys)
            _ = try await client.pass(over: keys)
            #expect(try await client.pass(over: keys).hits == keys.count, "seeded: every key is a hit")
        }

        var config: String { get throws { try String(contentsOfFile: nutcracker.configPath, encoding: .utf8) } }

        func items(on index: Int) async throws -> Int {
            let reply = try await WireConnection.connect(to: "127.0.0.1", port: caches[index].port, limits: .init()).get()
                .exchange(ByteBuffer(string: "stats\r\n"), framing: MemcachedFraming.listing).get()[0]
            return Int(try MemcachedStats.sample(statsReply: reply, at: .now).gauges.items ?? 0)
        }
    }

    @Test func warmingBeforeTheShiftKeepsTheHitRatioOfTheNodesTakingOverAboveAColdShift() async throws {
        var ratios: [Bool: Double] = [:]
        for warm in [true, false] {
            let pool = try await Pool()
            let traffic = TrafficUnderShift(client: CacheAsideClient(port: pool.nutcracker.listenPort), keys: pool.keys)
            let running = Task { await traffic.run(until: .now + .seconds(120)) }
            let deadline = ContinuousClock.now + .seconds(20)
            while traffic.passes < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            var arguments = ["rebalance", "twem/alpha", "--remove", "mc-2", "--config", pool.fleetFile, "--yes", "--verify-timeout", "10s"]
            if warm { arguments += ["--warm", "--min-coverage", "99%"] }
            let result = try await RingsideBinary.run(arguments)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            // Without a shift nutcracker never restarts, and the traffic would run to its deadline.
            if result.status != 0 { running.cancel() }
            #expect(try !pool.config.contains("mc-2"))
            // A removal's preview says what it removes (it read "weight 1 → 0", which twemproxy would refuse).
            #expect(result.stdout.contains("write   the file without that line") && result.stdout.contains("served again without mc-2"), "\(result.stdout)")
            let after = try #require(await running.value, "the traffic never saw nutcracker restart")
            ratios[warm] = after
            if warm {
                #expect(result.stdout.contains("coverage: the new owners hold"), "\(result.stdout)")
                // Not 100%: memcached's LRU crawler walks lists that the traffic's reads reorder, so a metadump
                // under traffic can miss a batch of keys (seen: 100 of 1,282).
                #expect(after >= 0.9, "warmed: the first pass after the shift hits \(after)")
            }
        }
        let (warmed, cold) = (ratios[true] ?? 0, ratios[false] ?? 0)
        print("hit ratio of the nodes taking over, first pass after removing mc-2: warmed \(Int(warmed * 100))%, cold \(Int(cold * 100))%")
        #expect(warmed > cold + 0.2, "warmed \(warmed) against cold \(cold)")
    }

    @Test func aShiftIsHeldBackBelowMinimumCoverageAndReadOnlyChangesNothing() async throws {
        let pool = try await Pool()
        let original = try pool.config
        let before = try await [pool.items(on: 0), pool.items(on: 2)]

        let readOnly = try await RingsideBinary.run(["rebalance", "twem/alpha", "--remove", "mc-2", "--warm", "--config", pool.fleetFile, "--yes", "--read-only"])
        #expect(readOnly.status == 1 && readOnly.stdout.contains("refused"), "\(readOnly.stdout)\(readOnly.stderr)")
        #expect(try pool.config == original)
        #expect(try await [pool.items(on: 0), pool.items(on: 2)] == before, "read-only: nothing written to the new owners")

        // Values of 2 bytes: with --max-key-bytes 1 none of mc-2's keys can be copied, so coverage is 0.
        let held = try await RingsideBinary.run([
            "rebalance", "twem/alpha", "--remove", "mc-2", "--warm", "--min-coverage", "95%", "--max-key-bytes", "1", "--config", pool.fleetFile, "--yes", "--json",
        ])
        #expect(held.status == 1, "\(held.stdout)\(held.stderr)")
        #expect(held.stderr.contains("the ring is unchanged") && held.stderr.contains("below --min-coverage 95.0%"), "\(held.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(held.stdout.utf8)) as? [String: Any], "\(held.stdout)")
        #expect(document["schema"] as? String == "ringside.rebalance/1" && (document["heldBack"] as? String)?.contains("min-coverage") == true)
        #expect((document["warms"] as? [Any])?.count == 2 && (document["reports"] as? [Any])?.isEmpty == true)
        #expect(try pool.config == original)

        let wrong = try await RingsideBinary.run(["rebalance", "twem/alpha", "--remove", "mc-2", "--drain", "mc-1", "--config", pool.fleetFile])
        #expect(wrong.status == 2 && wrong.stderr.contains("give one change"), "\(wrong.stderr)")
        let noWarm = try await RingsideBinary.run(["rebalance", "twem/alpha", "--remove", "mc-2", "--min-coverage", "95%", "--config", pool.fleetFile])
        #expect(noWarm.status == 2 && noWarm.stderr.contains("--min-coverage needs --warm"), "\(noWarm.stderr)")
        let unconfirmed = try await RingsideBinary.run(["rebalance", "twem/alpha", "--remove", "mc-2", "--warm", "--config", pool.fleetFile])
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("no terminal to confirm on"), "\(unconfirmed.stderr)")
        #expect(try pool.config == original)
    }
}

/// Cache-aside reads through nutcracker: `get` a batch; every miss is filled with `set`, as an application would.
struct CacheAsideClient: Sendable {
    let port: Int
    static let limits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(5))

    func connect() async throws -> WireConnection {
        try await WireConnection.connect(to: "127.0.0.1", port: port, limits: Self.limits).get()
    }

    /// One read of every key on a new connection.
    func pass(over keys: [String]) async throws -> (hits: Int, misses: Int) {
        let connection = try await connect()
        defer { Task { try? await connection.close().get() } }
        return try await pass(over: keys, on: connection)
    }

    func pass(over keys: [String], on connection: WireConnection) async throws -> (hits: Int, misses: Int) {
        var hits = 0, misses = 0
        for start in stride(from: 0, to: keys.count, by: 100) {
            let batch = Array(keys[start..<min(start + 100, keys.count)])
            let reply = try await connection.exchange(ByteBuffer(string: "get " + batch.joined(separator: " ") + "\r\n"), framing: MemcachedFraming.listing).get()[0]
            let found = Set(String(decoding: reply, as: UTF8.self).split(separator: "\r\n").filter { $0.hasPrefix("VALUE ") }.map { String($0.split(separator: " ")[1]) })
            let missing = batch.filter { !found.contains($0) }
            hits += found.count
            misses += missing.count
            if !missing.isEmpty {
                let sets = missing.map { "set \($0) 0 0 2\r\nv1\r\n" }.joined()
                _ = try await connection.exchange(ByteBuffer(string: sets), replies: missing.count, framing: MemcachedFraming.singleLine).get()
            }
        }
        return (hits, misses)
    }
}

/// Passes over the keys on one connection, as an application server keeps its connection to nutcracker. The
/// restart that makes the new ring live drops it; the first whole pass on the connection made after that is the
/// first look at the new ring, and its hit ratio is the figure (later passes have filled their misses).
final class TrafficUnderShift: Sendable {
    let client: CacheAsideClient
    let keys: [String]
    private let completedPasses = Mutex(0)

    init(client: CacheAsideClient, keys: [String]) {
        self.client = client
        self.keys = keys
    }

    var passes: Int { completedPasses.withLock { $0 } }

    /// The hit ratio of the first pass after the restart; `nil` when none came by `deadline` or the task was
    /// cancelled (a shift that never happened must fail the test, not hang it).
    func run(until deadline: ContinuousClock.Instant) async -> Double? {
        var restarted = false
        func goOn() -> Bool { ContinuousClock.now < deadline && !Task.isCancelled }
        while goOn() {
            guard let connection = try? await client.connect() else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            while goOn() {
                guard let result = try? await client.pass(over: keys, on: connection) else {
                    restarted = true
                    break
                }
                completedPasses.withLock { $0 += 1 }
                if restarted {
                    try? await connection.close().get()
                    return Double(result.hits) / Double(result.hits + result.misses)
                }
            }
            try? await connection.close().get()
        }
        return nil
    }
}
