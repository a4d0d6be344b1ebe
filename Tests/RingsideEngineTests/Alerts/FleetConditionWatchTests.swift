import Foundation
import RingsideCore
import RingsideWire
import Testing
@testable import RingsideEngine

/// HOT is an alert like the others: raised after it held for `alert_after` intervals, cleared after `clear_after`
/// clear ones, counted in the header whichever screen shows.
@Suite struct FleetConditionWatchTests {
    let nodes = (1...3).map { Endpoint(name: "mc-\($0)", kind: .memcached, address: HostPort(host: "127.0.0.1", port: 20_000 + $0)) }
    var fleet: Fleet {
        let members = nodes.map { RingMember(name: $0.name, address: $0.address.description) }
        return Fleet(name: "t", endpoints: nodes, rings: [RingDeclaration(name: "app", source: .members(.jump, members))])
    }
    let start = ContinuousClock.now

    /// Each node's state after two polls a second apart, with `opsPerSecond[i]` reads a second on node i.
    func states(opsPerSecond: [UInt64], second: Int) -> [EndpointState] {
        nodes.indices.map { index in
            var state = EndpointState(endpoint: nodes[index])
            for tick in [second, second + 1] {
                let reads = opsPerSecond[index] * UInt64(tick)
                _ = state.record(
                    .cache(CacheSample(
                        takenAt: start + .seconds(tick), counters: CacheCounters(hits: reads, misses: 0, commands: reads),
                        gauges: CacheGauges(memoryUsedBytes: 1, memoryLimitBytes: 100), identity: ProcessIdentity(uptimeSeconds: 100, instance: "1"))),
                    latency: .milliseconds(1), at: Date(), thresholds: Thresholds())
            }
            return state
        }
    }

    func snapshot(_ opsPerSecond: [UInt64], second: Int) -> FleetSnapshot {
        FleetSnapshot(fleet: fleet, endpoints: states(opsPerSecond: opsPerSecond, second: second), events: [], takenAt: Date())
    }

    @Test func aNodeTakingFarMoreThanItsShareRaisesHotAfterTwoIntervalsAndClearsAfterThree() throws {
        let watch = try #require(FleetConditionWatch(fleet: fleet))
        let hot: [UInt64] = [900, 50, 50], even: [UInt64] = [100, 100, 100]
        #expect(watch.update(snapshot(hot, second: 1), at: Date()).isEmpty, "one interval is not enough")
        #expect(watch.alerts.isEmpty)
        let raised = watch.update(snapshot(hot, second: 2), at: Date())
        #expect(raised.map(\.message) == ["alert: HOT mc-1: 90.0% of the load for 33.3% of the keys"])
        #expect(raised.map(\.endpoint) == ["ring app"])
        #expect(watch.alerts.map(\.key) == ["hot mc-1"])
        var withAlert = snapshot(hot, second: 3)
        withAlert.fleetAlerts = watch.alerts
        #expect(withAlert.alertCount == 1 && withAlert.alerts.map(\.message) == ["HOT mc-1: 90.0% of the load for 33.3% of the keys"])
        #expect(watch.update(snapshot(even, second: 3), at: Date()).isEmpty)
        #expect(watch.update(snapshot(even, second: 4), at: Date()).isEmpty)
        #expect(watch.update(snapshot(even, second: 5), at: Date()).map(\.message) == ["cleared (was: HOT mc-1: 90.0% of the load for 33.3% of the keys)"])
        #expect(watch.alerts.isEmpty)
    }

    /// Seen in a soak: a node hovering at 53–58% of the load for 35% of the keys raised and cleared HOT every
    /// few seconds. Once raised, HOT clears only when the load is back 10% under the limit (1.35 × the share).
    @Test func aLoadHoveringJustUnderTheLimitKeepsHotUntilItIsWellUnder() throws {
        let watch = try #require(FleetConditionWatch(fleet: fleet))
        for second in 1...2 { _ = watch.update(snapshot([900, 50, 50], second: second), at: Date()) }
        #expect(watch.alerts.count == 1)
        for second in 3...8 {
            #expect(watch.update(snapshot([480, 260, 260], second: second), at: Date()).isEmpty, "48% is under 50% but inside the margin")
        }
        #expect(watch.alerts.count == 1)
        for second in 9...10 { _ = watch.update(snapshot([440, 280, 280], second: second), at: Date()) }
        #expect(watch.update(snapshot([440, 280, 280], second: 11), at: Date()).map(\.message).first?.hasPrefix("cleared (was: HOT mc-1") == true)
        #expect(watch.alerts.isEmpty)
    }

    /// Seen in a soak: traffic stopped, and HOT stood for minutes on loads of zero.
    @Test func hotClearsWhenTheTrafficStops() throws {
        let watch = try #require(FleetConditionWatch(fleet: fleet))
        for second in 1...2 { _ = watch.update(snapshot([900, 50, 50], second: second), at: Date()) }
        #expect(watch.alerts.count == 1)
        for second in 3...5 { _ = watch.update(snapshot([0, 0, 0], second: second), at: Date()) }
        #expect(watch.alerts.isEmpty)
    }

    /// Two balancers of group `edge`; on `b`, app-3 has `bAdmin` as its admin state.
    func pair(bAdmin: Int, bWeight: Int = 1) -> FleetSnapshot {
        let members = ["a", "b"].enumerated().map { index, name in
            var endpoint = Endpoint(name: "edge-\(name)", kind: .haproxy, address: HostPort(host: "127.0.0.1", port: 9990 + index))
            endpoint.group = "edge"
            var state = EndpointState(endpoint: endpoint)
            var backend = HAProxyBackend(name: "be_app", status: HAProxyStatus("UP"), algorithm: "roundrobin")
            backend.servers = (1...3).map { sid in
                var server = HAProxyServer(backend: "be_app", name: "app-\(sid)", sid: sid, status: HAProxyStatus("UP"))
                let differs = name == "b" && sid == 3
                server.runtime = HAProxyRuntimeState(operationalState: 2, adminState: differs ? bAdmin : 0, userWeight: differs ? bWeight : 1, initialWeight: 1)
                return server
            }
            _ = state.record(.haproxy(HAProxySnapshot(info: [:], backends: [backend])), latency: .milliseconds(1), at: Date(), thresholds: Thresholds())
            return state
        }
        return FleetSnapshot(fleet: Fleet(name: "t", endpoints: members.map(\.endpoint)), endpoints: members, events: [], takenAt: Date())
    }

    @Test func aServerDrainedOnOneMemberOfAPairIsSplit() throws {
        let watch = try #require(FleetConditionWatch(fleet: pair(bAdmin: 0).fleet))
        #expect(watch.update(pair(bAdmin: 0x08), at: Date()).isEmpty)
        let raised = watch.update(pair(bAdmin: 0x08), at: Date())
        #expect(raised.map(\.message) == ["alert: SPLIT be_app/app-3: edge-a READY w1, edge-b DRAIN w1"])
        #expect(raised.map(\.endpoint) == ["group edge"] && watch.alerts.map(\.key) == ["split be_app/app-3"])
        // A weight that differs is a split too; agreeing again clears it.
        _ = watch.update(pair(bAdmin: 0, bWeight: 5), at: Date())
        #expect(watch.alerts.first?.message == "SPLIT be_app/app-3: edge-a READY w1, edge-b READY w5")
        for _ in 0..<3 { _ = watch.update(pair(bAdmin: 0), at: Date()) }
        #expect(watch.alerts.isEmpty)
    }

    @Test func aFleetWithoutRingsHasNothingToWatch() {
        #expect(FleetConditionWatch(fleet: Fleet(name: "t", endpoints: nodes)) == nil)
    }
}
