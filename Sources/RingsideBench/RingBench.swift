import ArgumentParser
import CKetamaPeer
import Foundation
import RingsideCore

/// The ring targets: build a 1,000-node × 160-point ketama ring (< 20 ms; the peer is a libketama-style C build
/// with OpenSSL run in the same process), an exact plan between two such rings (< 10 ms), and ≥ 5 M owner
/// lookups per second for short keys (the peer does twemproxy's dispatch in C).
struct RingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ring", abstract: "Ring build, plan and lookup speed, beside a C peer.")

    @Option(help: "Nodes in the ring.") var nodes = 1000
    @Option(help: "Timed repetitions of each build and plan (the median is reported).") var runs = 21
    @Option(help: "Keys looked up per lookup run.") var keys = 2_000_000

    func run() async throws {
        let definition = RingDefinition(
            name: "bench", scheme: .twemproxyKetama(hash: .fnv1a_64, hashTag: nil),
            members: (0..<nodes).map { RingMember(name: "10.\($0 / 256).\($0 % 256).1:11211", weight: 1) })
        let ring = try HashRing(definition)
        let points = ring.nodes.reduce(0) { $0 + $1.points }
        print("ring: \(nodes) nodes, \(points) points (twemproxy ketama, fnv1a_64); median of \(runs) runs")

        let build = try median { _ = try HashRing(definition) }
        let peerBuild = try median { _ = ketama_peer_build(nodes) }
        print(row("build", build, target: "< 20 ms", met: build < 20, peer: "C libketama-style, OpenSSL MD5 + qsort: \(format(peerBuild)) ms"))

        var changed = definition
        changed.members.remove(at: nodes / 2)
        var moved = 0.0
        // Fresh rings for every run (built untimed): a ring keeps its partition once computed.
        var pair = (try HashRing(definition), try HashRing(changed))
        let plan = try median(setup: { pair = (try HashRing(definition), try HashRing(changed)) }) {
            moved = try RingPlan(before: pair.0, after: pair.1).movedFraction
        }
        print(row("plan (two built rings, one node removed)", plan, target: "< 10 ms", met: plan < 10, peer: "moves \(format(moved * 100))% of the key space"))
        var fresh = ring
        let planWithBuild = try median(setup: { fresh = try HashRing(definition) }) {
            _ = try RingPlan(fresh, changes: [.remove(node: definition.members[nodes / 2].name)])
        }
        print(row("plan including building the new ring", planWithBuild, target: nil, met: nil, peer: nil))

        // Both sides read the same NUL-separated keys from one buffer.
        var packed: [CChar] = [], starts: [Int] = []
        for index in 0..<keys {
            starts.append(packed.count)
            packed += "user:\(index &* 2_654_435_761 % 100_000_000)".utf8.map { CChar(bitPattern: $0) } + [0]
        }
        starts.append(packed.count)
        func lookUpAll(_ ring: HashRing) -> Int {
            packed.withUnsafeBytes { bytes in
                var sum = 0
                for index in 0..<keys {
                    sum &+= ring.owner(ofKeyBytes: UnsafeRawBufferPointer(rebasing: bytes[starts[index]..<(starts[index + 1] - 1)])) ?? 0
                }
                return sum
            }
        }
        let swiftRate = lookupsPerSecond { lookUpAll(ring) }
        _ = ketama_peer_build(nodes)
        let peerRate = lookupsPerSecond { packed.withUnsafeBufferPointer { Int(truncatingIfNeeded: ketama_peer_lookups($0.baseAddress!, keys)) } }
        print("lookups (fnv1a_64, keys like 'user:12345678'): \(format(swiftRate / 1e6)) M/s, target ≥ 5 M/s \(swiftRate >= 5e6 ? "MET" : "NOT MET") · peer C twemproxy dispatch: \(format(peerRate / 1e6)) M/s")
        let md5Ring = try HashRing(RingDefinition(name: "md5", scheme: .libmemcachedKetama, members: definition.members))
        let md5Rate = lookupsPerSecond { lookUpAll(md5Ring) }
        print("lookups (md5 key hash, libmemcached): \(format(md5Rate / 1e6)) M/s")
    }

    private func median(setup: () throws -> Void = {}, _ body: () throws -> Void) rethrows -> Double {
        try setup()
        try body()  // warm-up
        var samples: [Double] = []
        for _ in 0..<runs {
            try setup()
            let started = ContinuousClock.now
            try body()
            samples.append((ContinuousClock.now - started).secondsDouble * 1000)
        }
        return samples.sorted()[samples.count / 2]
    }

    /// Best of three runs over all the keys.
    private func lookupsPerSecond(_ body: () -> Int) -> Double {
        var best = 0.0, sink = 0
        for _ in 0..<3 {
            let started = ContinuousClock.now
            sink &+= body()
            best = max(best, Double(keys) / (ContinuousClock.now - started).secondsDouble)
        }
        if sink == 42 { print("") }  // keeps the work observable
        return best
    }

    private func row(_ what: String, _ milliseconds: Double, target: String?, met: Bool?, peer: String?) -> String {
        var line = "\(what): \(format(milliseconds)) ms"
        if let target, let met { line += ", target \(target) \(met ? "MET" : "NOT MET")" }
        if let peer { line += " · \(peer)" }
        return line
    }

    private func format(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.2f", value) }
}
