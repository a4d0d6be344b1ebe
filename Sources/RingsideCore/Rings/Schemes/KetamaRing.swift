import Crypto
import Dispatch
import Foundation
import Synchronization

/// The ketama family: four points per MD5 digest of `"<label>-<i>"`, first point ≥ the key's hash.
/// The three real implementations differ in the label, the point-count arithmetic and the key hash.
enum KetamaRing {
    /// twemproxy 0.5.0 (`src/hashkit/nc_ketama.c`): the label is the member's twemproxy name, and the count
    /// uses float32 arithmetic over live members only, which gives 156 points instead of 160 at 25, 47, 50, … members.
    static func twemproxy(_ members: [RingMember], keyHasher: KeyHasher) -> RingBuilder.Built {
        let counts = weightedDigests(members)
        let nodes = RingBuilder.nodes(members, hashedAs: \.name) { index, _ in counts[index] * 4 }
        return finish(nodes, labels: members.map(\.name), digests: counts, keyHasher: keyHasher)
    }

    /// libmemcached `update_continuum` in weighted ketama mode: `host` when the port is 11211, else `host:port`.
    static func libmemcached(_ members: [RingMember]) -> RingBuilder.Built {
        let labels = members.map(libmemcachedLabel)
        let counts = weightedDigests(members)
        let nodes = RingBuilder.nodes(members, hashedAs: libmemcachedLabel) { index, _ in counts[index] * 4 }
        return finish(nodes, labels: labels, digests: counts, keyHasher: .md5)
    }

    private static func libmemcachedLabel(_ member: RingMember) -> String {
        let (host, port) = RingBuilder.splitAddress(member.address ?? member.name)
        guard let port, port != 11211 else { return host }
        return "\(host):\(port)"
    }

    /// RJ's libketama (`libketama/ketama.c`): weight = memory, `floorf(pct · 40 · N)` digests, the address
    /// exactly as written (port included, even 11211).
    static func libketama(_ members: [RingMember]) -> RingBuilder.Built {
        let total = members.filter(\.inService).reduce(0) { $0 + $1.weight }
        let live = members.filter(\.inService).count
        let counts = members.map { member -> Int in
            guard member.inService, total > 0 else { return 0 }
            let share = Float(member.weight) / Float(total)
            return Int(Float(Double(share) * 40.0 * Double(Float(live))).rounded(.down))
        }
        let labels = members.map { $0.address ?? $0.name }
        let nodes = RingBuilder.nodes(members, hashedAs: { $0.address ?? $0.name }) { index, _ in counts[index] * 4 }
        return finish(nodes, labels: labels, digests: counts, keyHasher: .md5)
    }

    /// twemproxy's and libmemcached's count, evaluated as their C does: float32 left to right, then the
    /// `+ 1e-10` in double, then `floorf`.
    static func weightedDigests(_ members: [RingMember]) -> [Int] {
        let live = members.filter(\.inService)
        let total = live.reduce(0) { $0 + $1.weight }
        return members.map { member in
            guard member.inService, total > 0 else { return 0 }
            let share = Float(member.weight) / Float(total)
            let product = share * Float(160) / Float(4) * Float(live.count)
            return Int(Float(Double(product) + 1e-10).rounded(.down))
        }
    }

    /// With one member its points own every position, which is what twemproxy's and libmemcached's
    /// no-hashing shortcut for a single server gives too.
    private static func finish(_ nodes: [RingNode], labels: [String], digests: [Int], keyHasher: KeyHasher) -> RingBuilder.Built {
        let live = nodes.indices.filter { nodes[$0].inService && digests[$0] > 0 }
        if live.isEmpty { return .init(nodes: nodes, layout: .empty, keyHasher: keyHasher) }
        // MD5 is most of the build: spread the members over the cores in contiguous runs, so concatenating the
        // runs keeps generation (member) order for the stable sort.
        let total = live.reduce(0) { $0 + digests[$1] }
        let runs = total < 4096 ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, 8, live.count)
        let bounds = (0...runs).map { live.count * $0 / runs }
        let parts = Mutex([[UInt64]](repeating: [], count: runs))
        DispatchQueue.concurrentPerform(iterations: runs) { run in
            let run = (run, points(of: live[bounds[run]..<bounds[run + 1]], labels: labels, digests: digests))
            parts.withLock { $0[run.0] = run.1 }
        }
        var packed = parts.withLock { runs == 1 ? $0[0] : Array($0.joined()) }
        return .init(nodes: nodes, layout: .successor32(SortedPoints(packed: &packed)), keyHasher: keyHasher)
    }

    /// `value << 32 | member` for the four points of each digest `"<label>-<i>"` of `members`.
    private static func points(of members: ArraySlice<Int>, labels: [String], digests: [Int]) -> [UInt64] {
        var packed: [UInt64] = []
        packed.reserveCapacity(members.reduce(0) { $0 + digests[$1] } * 4)
        var text: [UInt8] = []
        for index in members {
            let prefix = Array(labels[index].utf8) + [UInt8(ascii: "-")]
            let owner = UInt64(index)
            for digest in 0..<digests[index] {
                text.removeAll(keepingCapacity: true)
                text.append(contentsOf: prefix)
                appendDecimal(digest, to: &text)
                let (a, b, c, d) = text.withUnsafeBytes { MD5Points.points($0) }
                packed.append(UInt64(a) << 32 | owner)
                packed.append(UInt64(b) << 32 | owner)
                packed.append(UInt64(c) << 32 | owner)
                packed.append(UInt64(d) << 32 | owner)
            }
        }
        return packed
    }

    static func appendDecimal(_ value: Int, to text: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &text) }
        text.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
