import Foundation
import RingsideCore
import Testing
@testable import RingsideEngine

@Suite struct RingChangeActionsTests {
    let node = Endpoint(name: "mc-3", kind: .memcached, address: HostPort(host: "10.0.0.3", port: 11211))
    var balancer: Endpoint {
        var endpoint = Endpoint(name: "edge-a", kind: .haproxy, address: HostPort(host: "10.0.0.9", port: 9999))
        endpoint.group = "edge"
        return endpoint
    }
    var ring: RingDeclaration {
        RingDeclaration(
            name: "app", source: .haproxyBackend(address: balancer.address, backend: "be_cache", hashType: try! HAProxyHashType.parse("consistent").get()),
            balancer: "edge-a")
    }

    func snapshot() -> FleetSnapshot {
        var state = EndpointState(endpoint: balancer)
        var backend = HAProxyBackend(name: "be_cache", status: HAProxyStatus("UP"), algorithm: "source")
        var server = HAProxyServer(backend: "be_cache", name: "cache-3", sid: 3, status: HAProxyStatus("UP"))
        server.address = "10.0.0.3:11211"
        backend.servers = [server]
        _ = state.record(.haproxy(HAProxySnapshot(info: [:], backends: [backend])), latency: .milliseconds(1), at: Date(), thresholds: Thresholds())
        let fleet = Fleet(name: "t", endpoints: [node, balancer], rings: [ring])
        return FleetSnapshot(fleet: fleet, endpoints: [EndpointState(endpoint: node), state], events: [], takenAt: Date())
    }

    @Test func aCacheNodeOnAnHAProxyRingIsDrainedThroughItsServerOnTheWholeGroup() throws {
        let action = try RingChangeActions.drainOffRing(node: "mc-3", snapshot: snapshot(), declarations: [ring])
        #expect(action.summary == "drain edge/be_cache/cache-3")
    }

    @Test func stagedChangesBecomeActionsOrSayWhyNot() throws {
        let fleet = snapshot().fleet
        #expect(try RingChangeActions.action(for: .setWeight(node: "cache-3", weight: 4), on: ring, fleet: fleet).summary == "weight edge/be_cache/cache-3 4")
        #expect(try RingChangeActions.action(for: .drain(node: "cache-3"), on: ring, fleet: fleet).summary == "drain edge/be_cache/cache-3")
        #expect(throws: ActionError.self) { try RingChangeActions.action(for: .remove(node: "cache-3"), on: ring, fleet: fleet) }
        let pool = RingDeclaration(name: "twem/alpha", source: .twemproxyPool(configPath: "/x.yml", pool: "alpha"))
        #expect(throws: ActionError.self) { try RingChangeActions.action(for: .drain(node: "mc-1"), on: pool, fleet: fleet) }
        #expect(throws: ActionError.self) { try RingChangeActions.drainOffRing(node: "mc-3", snapshot: snapshot(), declarations: [pool]) }
    }
}
