import Testing
@testable import RingsideWire

@Suite struct MemcachedParsingTests {
    /// Feeds a reply one byte at a time, as the collector would with tiny reads, and returns the framed length.
    func frameIncrementally(_ bytes: [UInt8], _ scan: ([UInt8], Int) -> FrameScan) -> FrameScan {
        var resume = 0
        for end in 1...bytes.count {
            switch scan(Array(bytes[..<end]), resume) {
            case let .incomplete(next): resume = next
            case let done: return done
            }
        }
        return .incomplete(resumeAt: resume)
    }

    @Test func statsReplyFramesAtEndWholeOrByteByByte() throws {
        let reply = try fixture("memcached-stats.txt")
        #expect(MemcachedFraming.scanListing(reply, resumeAt: 0) == .complete(length: reply.count))
        #expect(frameIncrementally(reply, MemcachedFraming.scanListing) == .complete(length: reply.count))
        #expect(MemcachedFraming.scanListing(Array(reply.dropLast(3)), resumeAt: 0) == .incomplete(resumeAt: reply.count - 5))
    }

    @Test func valueContainingEndIsFramedByItsLength() throws {
        // The stored value is "\0\r\n\xff\x01\x02\r\nEND\r\n" (13 bytes): a scanner searching for END would stop early.
        let reply = try fixture("memcached-get-binary.txt")
        let storedReply = Array(reply.drop(while: { $0 != UInt8(ascii: "V") }))
        #expect(MemcachedFraming.scanListing(storedReply, resumeAt: 0) == .complete(length: storedReply.count))
        #expect(frameIncrementally(storedReply, MemcachedFraming.scanListing) == .complete(length: storedReply.count))
    }

    @Test func errorLinesEndAReply() {
        #expect(MemcachedFraming.scanListing(Array("ERROR\r\n".utf8), resumeAt: 0) == .complete(length: 7))
        #expect(MemcachedFraming.scanListing(Array("SERVER_ERROR out of memory\r\nrest".utf8), resumeAt: 0) == .complete(length: 28))
    }

    @Test func garbageIsRecognisedWithoutWaitingForMore() {
        #expect(MemcachedFraming.scanListing(Array("HTTP/1.1 400".utf8), resumeAt: 0) != .incomplete(resumeAt: 0))
        if case .invalid = MemcachedFraming.scanListing(Array("STAT a 1\r\n+OK\r\n".utf8), resumeAt: 0) {} else {
            Issue.record("a RESP line inside a stats reply must be invalid")
        }
    }

    @Test func statsFixtureMapsToTheCoreSample() throws {
        let stats = try MemcachedStats.parse(fixture("memcached-stats.txt"))
        let settings = try MemcachedStats.parse(fixture("memcached-stats-settings.txt"))
        #expect(stats.count >= 90)
        let sample = MemcachedStats.sample(stats: stats, settings: settings, at: .now)
        #expect(sample.counters.hits == 7)
        #expect(sample.counters.misses == 3)
        #expect(sample.counters.gets == 10)
        #expect(sample.counters.sets == 1)
        #expect(sample.gauges.memoryLimitBytes == 64 << 20)
        #expect(sample.gauges.items == 1)
        #expect(sample.identity.instance == stats["pid"])
        #expect(sample.details["version"] == "1.6.18")
        #expect(sample.details["item_size_max"] == "1048576")
        #expect(sample.details["lru_crawler"] == "yes")
    }

    @Test func pollsKeepOnlyTheFieldsTheSampleReads() throws {
        let reply = try fixture("memcached-stats.txt")
        let kept = try MemcachedStats.parse(reply, only: MemcachedStats.sampledFields)
        #expect(kept.count < 30)
        #expect(kept["rusage_user"] == nil)
        let all = try MemcachedStats.parse(reply)
        #expect(MemcachedStats.sample(stats: kept, settings: nil, at: .now).counters == MemcachedStats.sample(stats: all, settings: nil, at: .now).counters)
    }

    @Test func errorReplyIsAServerError() {
        #expect(throws: WireError.serverError("ERROR")) { try MemcachedStats.parse(Array("ERROR\r\n".utf8)) }
    }
}
