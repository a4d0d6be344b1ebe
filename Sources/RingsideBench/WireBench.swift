import ArgumentParser
import Foundation
import RingsideTestSupport
import RingsideWire

/// The CPU a poll spends on its reply, with no network: framing and parsing a memcached `stats` reply (92 fields,
/// as memcached 1.6.18 prints them) into a sample, the work each of the 1,000 polls per second repeats.
struct WireBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wire", abstract: "Frame and parse a memcached stats reply.")

    @Option(help: "Replies per measurement.") var replies = 200_000

    func run() throws {
        let reply = FakeReplies.memcached(Array("stats\r\n".utf8), hits: 9_000, misses: 1_000)
        var checksum: UInt64 = 0
        let framing = measure(replies) {
            if case let .complete(length) = MemcachedFraming.scanListing(reply, resumeAt: 0) { checksum &+= UInt64(length) }
        }
        let sampling = measure(replies) {
            checksum &+= (try? MemcachedStats.sample(statsReply: reply, at: .now))?.counters.hits ?? 0
        }
        print(String(format: "memcached stats reply (%d bytes): framing %.2f µs, parse to a sample %.2f µs per reply (checksum %llu)",
                     reply.count, framing * 1e6, sampling * 1e6, checksum))
    }

    /// Median seconds per call over five runs of `count` calls.
    private func measure(_ count: Int, _ body: () -> Void) -> Double {
        let runs = (0..<5).map { _ in
            let started = ContinuousClock.now
            for _ in 0..<count { body() }
            return (ContinuousClock.now - started).secondsDouble / Double(count)
        }
        return runs.sorted()[2]
    }
}
