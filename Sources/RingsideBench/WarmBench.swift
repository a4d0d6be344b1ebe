import ArgumentParser
import Foundation
import NIOCore
import RingsideCore
import RingsideEngine
import RingsideTestSupport
import RingsideWire

/// The warming target: copy 100,000 small keys (100-byte values with TTLs) on loopback at ≥ 100,000 keys/s,
/// Redis → Redis and memcached → memcached; for Redis at least as fast as Redis's own `MIGRATE … COPY KEYS` in
/// batches of 1,000, measured in the same run on the same data.
struct WarmBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "warm", abstract: "Warm copy speed beside Redis's MIGRATE COPY, on real servers.")

    @Option(help: "Keys copied each way.") var keys = 100_000
    @Option(help: "Keys per batch.") var batch = 500
    @Option(help: "Batches in flight.") var depth = 4
    @Option(help: "Rounds of the Redis comparison (the medians are compared).") var rounds = 3

    static let limits = WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(30), maxReplyBytes: 64 << 20)

    func run() async throws {
        var settings = WarmSettings()
        settings.batchSize = batch
        settings.depth = depth
        print("warm: \(keys) keys of 100 bytes with TTLs, loopback, batches of \(batch), \(depth) in flight")

        let redisSource = try Daemons.redis(), redisTarget = try Daemons.redis(), migrateTarget = try Daemons.redis()
        try await CacheTraffic.redisCommands(port: redisSource.port, [[
            "EVAL", "for i = 1, \(keys) do redis.call('SET', 'key:' .. i, string.rep('v', 100), 'EX', 3600) end", "0",
        ]])
        // Three rounds, each copy onto an emptied target, taking turns so neither always runs on a warmer machine;
        // the medians are compared.
        var redisRuns: [Timed] = [], migrateRates: [Double] = []
        for _ in 0..<rounds {
            try await CacheTraffic.redisCommands(port: redisTarget.port, [["FLUSHALL"]])
            try await CacheTraffic.redisCommands(port: migrateTarget.port, [["FLUSHALL"]])
            redisRuns.append(await timedJob(settings: settings) {
                (try await RedisWarmNode.connect(host: "127.0.0.1", port: redisSource.port, limits: Self.limits, auth: nil),
                 try await RedisWarmNode.connect(host: "127.0.0.1", port: redisTarget.port, limits: Self.limits, auth: nil))
            })
            migrateRates.append(try await migrateCopy(from: redisSource.port, to: migrateTarget.port))
        }
        let redis = redisRuns.sorted { $0.rate < $1.rate }[rounds / 2], migrate = migrateRates.sorted()[rounds / 2]
        print(row("redis → redis (median of \(rounds))", redis))
        print(String(
            format: "  MIGRATE … COPY KEYS (batches of 1,000, SCAN included, median of %d): %.0f keys/s; ringside / MIGRATE = %.2f", rounds, migrate, redis.rate / migrate))

        let memcachedSource = try Daemons.memcached(memoryMB: 256), memcachedTarget = try Daemons.memcached(memoryMB: 256)
        try await fillMemcached(port: memcachedSource.port)
        let memcached = await timedJob(settings: settings) {
            (try await MemcachedWarmNode.connect(host: "127.0.0.1", port: memcachedSource.port, limits: Self.limits),
             try await MemcachedWarmNode.connect(host: "127.0.0.1", port: memcachedTarget.port, limits: Self.limits))
        }
        print(row("memcached → memcached", memcached))
        print("  peak resident memory of this process: \(ProcessUsage.now().peakResidentBytes / 1_048_576) MiB (all servers are child processes)")
    }

    struct Timed {
        var rate: Double
        var report: WarmReport
        /// How far the job raised this process's resident memory at its peak.
        var memoryGrowthBytes: Int? = nil
    }

    private func timedJob(settings: WarmSettings, connect: () async throws -> (any WarmNode, any WarmNode)) async -> Timed {
        do {
            let (source, target) = try await connect()
            let job = WarmJob(
                kind: .clone, ring: nil, targetName: "target", target: target, sources: [WarmSource(name: "source", node: source, keys: .listed(filter: nil))],
                settings: settings, gate: .open, expectedKeys: keys)
            let peak = ResidentPeak.start()
            let report = await job.run()
            let growth = peak?.growth()
            await source.close()
            await target.close()
            return Timed(rate: Double(report.counts.copied) / report.durationSeconds, report: report, memoryGrowthBytes: growth)
        } catch {
            print("  could not connect: \(error)")
            return Timed(rate: 0, report: WarmReport(
                kind: .clone, target: "target", sources: [], ring: nil, dryRun: false, outcome: .failed, error: "\(error)", counts: WarmCounts(),
                durationSeconds: 0, problems: [], verification: nil))
        }
    }

    private func row(_ name: String, _ timed: Timed) -> String {
        // Every key the source listed must arrive. memcached's LRU crawler may list a few keys short of what was
        // stored (its maintainer thread moves items between LRUs during the walk): shown, not hidden.
        let counts = timed.report.counts
        let met = timed.rate >= 100_000 && timed.report.outcome == .complete && counts.copied == counts.scanned
        let listed = counts.scanned == keys ? "" : String(format: "; the source listed %d of %d", counts.scanned, keys)
        let memory = timed.memoryGrowthBytes.map { String(format: "; the job's peak memory +%.1f MiB", Double($0) / 1_048_576) } ?? ""
        return String(
            format: "  %@: %.0f keys/s (%d copied in %.2f s, %@%@%@) target ≥ 100,000 keys/s: %@", name, timed.rate, counts.copied,
            timed.report.durationSeconds, timed.report.outcome.rawValue, listed, memory, met ? "met" : "NOT met")
    }

    /// `SCAN` then `MIGRATE host port "" 0 timeout COPY KEYS …` a thousand keys at a time, as an operator would.
    private func migrateCopy(from source: Int, to target: Int) async throws -> Double {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: source, limits: Self.limits).get()
        defer { _ = connection.close() }
        let start = ContinuousClock.now
        var cursor = "0", pending: [String] = [], moved = 0
        func migrate(_ batch: [String]) async throws {
            let reply = try await connection.exchange(
                ByteBuffer(bytes: RESP.command(["MIGRATE", "127.0.0.1", "\(target)", "", "0", "30000", "COPY", "KEYS"] + batch)), framing: RESP.framing).get()
            guard case .value(.simple("OK"), _) = RESP.decode(reply[0]) else { throw WireError.serverError(String(decoding: reply[0], as: UTF8.self)) }
            moved += batch.count
        }
        repeat {
            let reply = try await connection.exchange(ByteBuffer(bytes: RESP.command(["SCAN", cursor, "COUNT", "1000"])), framing: RESP.framing).get()
            let page = try RedisKeyCopy.scanReply(reply[0])
            cursor = page.cursor
            pending += page.keys.map { String(decoding: $0, as: UTF8.self) }
            while pending.count >= 1000 {
                try await migrate(Array(pending.prefix(1000)))
                pending.removeFirst(1000)
            }
        } while cursor != "0"
        if !pending.isEmpty { try await migrate(pending) }
        let seconds = (ContinuousClock.now - start).secondsDouble
        guard moved == keys else { throw WireError.serverError("MIGRATE copied \(moved) of \(keys) keys") }
        return Double(moved) / seconds
    }

    private func fillMemcached(port: Int) async throws {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: port, limits: Self.limits).get()
        defer { _ = connection.close() }
        let value = String(repeating: "v", count: 100)
        for start in stride(from: 0, to: keys, by: 1000) {
            let count = min(1000, keys - start)
            let sets = (start..<(start + count)).map { "set key:\($0) 0 3600 100\r\n\(value)\r\n" }.joined()
            _ = try await connection.exchange(ByteBuffer(string: sets), replies: count, framing: MemcachedFraming.singleLine).get()
        }
    }
}
