import Foundation
import RingsideCore
import RingsideWire
import Testing
@testable import RingsideEngine

@Suite struct StatusReportTests {
    func snapshot(_ states: [EndpointState]) -> FleetSnapshot {
        FleetSnapshot(fleet: Fleet(name: "t", endpoints: states.map(\.endpoint)), endpoints: states, events: [], takenAt: Date())
    }

    func node(_ name: String, _ kind: EndpointKind = .memcached) -> EndpointState {
        EndpointState(endpoint: Endpoint(name: name, kind: kind, address: HostPort(host: "127.0.0.1", port: 1)))
    }

    /// Absent numbers are written as `null`, never left out: a DOWN node's unknown limit is not "no limit".
    @Test func aDownNodeHasNullsForEveryUnknownNumber() throws {
        var down = node("mc-down")
        _ = down.recordFailure(WireError.connectionRefused, at: Date())
        let document = try #require(try JSONSerialization.jsonObject(with: StatusReport(snapshot([down])).json()) as? [String: Any])
        let entry = try #require((document["nodes"] as? [[String: Any]])?.first)
        for key in ["memoryLimitBytes", "memoryUnlimited", "memoryUsedBytes", "hitRatio", "latencyMs", "opsPerSecond", "pool", "uptimeSeconds"] {
            #expect(entry.keys.contains(key), "\(key) is missing instead of null")
            #expect(entry[key] is NSNull, "\(key): \(String(describing: entry[key]))")
        }
        #expect(!StatusText.render(StatusReport(snapshot([down]))).contains("no limit"), "unknown is not 'no limit'")
    }

    @Test func noLimitIsAValueOfItsOwn() throws {
        var redis = node("redis-unlimited", .redis)
        let sample = CacheSample(
            takenAt: .now, counters: CacheCounters(hits: 1, misses: 1, gets: 2, sets: 0, evictions: 0, commands: 4),
            gauges: CacheGauges(memoryUsedBytes: 1 << 20, memoryLimitBytes: nil, memoryUnlimited: true), identity: ProcessIdentity(uptimeSeconds: 5, instance: "a"))
        _ = redis.record(.cache(sample), latency: .milliseconds(1), at: Date(), thresholds: Thresholds())
        let report = StatusReport(snapshot([redis]))
        #expect(report.nodes[0].memoryUnlimited == true && report.nodes[0].memoryLimitBytes == nil)
        #expect(StatusText.render(report).contains("/no limit"))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(StatusReport.self, from: report.json())
        #expect(decoded.nodes[0].memoryUnlimited == true, "the document reads back")
    }
}
