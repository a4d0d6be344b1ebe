import Foundation
import NIOCore
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing
@testable import RingsideEngine

@Suite(.enabled(if: DaemonKind.memcached.shouldRunLiveTests, "memcached is not installed: apt-get install memcached"))
struct LiveMemcachedWarmTests {
    @Test func flagsTTLsBinaryValuesAndNonASCIIKeysArriveAndANewerItemIsLeftAlone() async throws {
        let (source, target) = try await offCooperativePool { (try Daemons.memcached(), try Daemons.memcached()) }
        let now = Int64(Date().timeIntervalSince1970), started = ContinuousClock.now
        let binary = Array("a\r\nEND\r\n\u{0}b\r\n".utf8), big = [UInt8](repeating: UInt8(ascii: "m"), count: 1_000_000)
        try await Seed.memcachedSet(port: source.port, [
            (Array("café".utf8), 5, 100, Array("v1".utf8)),
            (Array("forever".utf8), 1, 0, Array("v2".utf8)),
            // More than 30 days: memcached takes it as an absolute time, and so must the copy.
            (Array("forty-days".utf8), 2, now + 40 * 86_400, Array("v3".utf8)),
            (Array("binary".utf8), 3, 0, binary),
            (Array("one-megabyte".utf8), 4, 0, big),
            (Array("newer".utf8), 6, 0, Array("old copy".utf8)),
        ])
        try await Seed.memcachedSet(port: target.port, [(Array("newer".utf8), 9, 0, Array("written on the target".utf8))])
        let job = warmJob(
            target: try await MemcachedWarmNode.connect(host: "127.0.0.1", port: target.port, limits: warmLimits),
            source: try await MemcachedWarmNode.connect(host: "127.0.0.1", port: source.port, limits: warmLimits))
        let report = await job.run()
        #expect(report.outcome == .complete, "\(report.error ?? "")")
        #expect(report.counts.scanned == 6 && report.counts.copied == 5 && report.counts.alreadyPresent == 1 && report.counts.failed == 0)
        #expect(report.verification == WarmVerification(checked: 5, present: 5))
        let items = try await Seed.memcachedGet(port: target.port, ["café", "forever", "forty-days", "binary", "one-megabyte", "newer"].map { Array($0.utf8) })
        // What the TTLs may have lost is the time this test took (a loaded CI run has taken seconds), not more;
        // memcached counts whole seconds, so one more either way.
        let elapsed = (ContinuousClock.now - started).components.seconds + 1
        #expect(items[0]?.flags == 5 && items[0]?.value == Array("v1".utf8))
        #expect((100 - elapsed...100).contains(items[0]?.remainingTTL ?? 0), "TTL kept to within \(elapsed) s: \(items[0]?.remainingTTL ?? -1)")
        #expect(items[1]?.remainingTTL == nil && items[1]?.flags == 1)
        // memcached's own clock ticks once a second and may trail the wall clock by up to 2 s: a little more left.
        #expect((40 * 86_400 - elapsed...40 * 86_400 + 2).contains(items[2]?.remainingTTL ?? 0), "\(items[2]?.remainingTTL ?? -1)")
        #expect(items[3]?.value == binary && items[3]?.flags == 3)
        #expect(items[4]?.value == big)
        #expect(items[5]?.value == Array("written on the target".utf8) && items[5]?.flags == 9)
    }

    @Test func anItemThatExpiredBeforeItWasReadIsSkippedAndCounted() async throws {
        let (source, target) = try await offCooperativePool { (try Daemons.memcached(), try Daemons.memcached()) }
        try await Seed.memcachedSet(port: source.port, [(Array("brief".utf8), 0, 1, Array("v".utf8)), (Array("stays".utf8), 0, 0, Array("v".utf8))])
        let deadline = ContinuousClock.now + .seconds(5)
        while try await Seed.memcachedGet(port: source.port, [Array("brief".utf8)])[0] != nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let job = warmJob(
            kind: .keys, target: try await MemcachedWarmNode.connect(host: "127.0.0.1", port: target.port, limits: warmLimits),
            source: try await MemcachedWarmNode.connect(host: "127.0.0.1", port: source.port, limits: warmLimits),
            keys: .given([Array("brief".utf8), Array("stays".utf8)]))
        let report = await job.run()
        #expect(report.counts.expired == 1 && report.counts.copied == 1)
        #expect(try await Seed.memcachedGet(port: target.port, [Array("brief".utf8)]) == [nil])
    }
}

/// Ring-aware warming against a real nutcracker: what ringside copies is what nutcracker will route to the node.
@Suite(.enabled(if: DaemonKind.nutcracker.shouldRunLiveTests && DaemonKind.memcached.shouldRunLiveTests, "nutcracker or memcached is not installed"))
struct LiveRingWarmTests {
    @Test func exactlyTheMovedKeysAreCopiedAndNutcrackerFindsEachOnItsNewOwner() async throws {
        let nodes = try await offCooperativePool { try (1...4).map { _ in try Daemons.memcached() } }
        let lines = nodes.enumerated().map { "127.0.0.1:\($1.port):1 mc-\($0 + 1)" }
        let old = try await offCooperativePool { try Daemons.nutcracker(servers: Array(lines.prefix(3))) }
        let keys = (0..<3000).map { "user:\($0)" }
        _ = try await RingProbe.routeThroughNutcracker(
            listenPort: old.listenPort, keys: keys, backends: nodes.prefix(3).enumerated().map { ("mc-\($0 + 1)", "127.0.0.1", $1.port) })
        let before = try HashRing(RingCatalog.twemproxyPool("alpha", path: old.configPath, pool: "alpha"))
        let plan = try RingPlan(before, changes: [.add(RingMember(name: "mc-4", address: "127.0.0.1:\(nodes[3].port)", weight: 1))])
        let fleet = Fleet(name: "ring", endpoints: nodes.enumerated().map { index, node in
            Endpoint(name: "mc-\(index + 1)", kind: .memcached, address: HostPort(host: "127.0.0.1", port: node.port))
        })
        let runner = try testWarmRunner(fleet)
        let preview = try await runner.preview(WarmRequest(target: "mc-4", keys: .ring(plan)), settings: WarmSettings())
        #expect(preview.sources.map(\.name) == ["mc-1", "mc-2", "mc-3"])
        let report = await runner.execute(preview)
        let moved = Set(keys.filter { plan.after.nodes[plan.after.owner(ofKey: $0)!].name == "mc-4" })
        #expect(report.outcome == .complete)
        #expect(report.counts.scanned == 3000 && report.counts.copied == moved.count && report.counts.notSelected == 3000 - moved.count)
        #expect(moved.count > 300)
        // The new owner holds exactly the moved keys: nothing that stays was copied.
        let held = try await Seed.memcachedGet(port: nodes[3].port, keys.map { Array($0.utf8) })
        #expect(Set(zip(keys, held).filter { $0.1 != nil }.map(\.0)) == moved)
        // nutcracker with the new node routes every moved key to it, and finds it there.
        let new = try await offCooperativePool { try Daemons.nutcracker(servers: lines) }
        let routed = try await readThrough(listenPort: new.listenPort, keys: Array(moved))
        #expect(routed == moved.count, "of \(moved.count) moved keys, \(routed) were found through nutcracker")
    }

    /// How many of `keys` a `get` through nutcracker finds.
    private func readThrough(listenPort: Int, keys: [String]) async throws -> Int {
        let connection = try await WireConnection.connect(to: "127.0.0.1", port: listenPort, limits: warmLimits).get()
        defer { _ = connection.close() }
        let batches = stride(from: 0, to: keys.count, by: 100).map { keys[$0..<min($0 + 100, keys.count)] }
        let replies = try await connection.exchange(
            ByteBuffer(string: batches.map { "get " + $0.joined(separator: " ") + "\r\n" }.joined()), replies: batches.count, framing: MemcachedFraming.listing).get()
        return replies.reduce(0) { $0 + String(decoding: $1, as: UTF8.self).components(separatedBy: "VALUE ").count - 1 }
    }
}
