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
        let reply = try fixture("memcached-stats.txt")
        #expect(try MemcachedStats.parse(reply).count >= 90)
        let sample = try MemcachedStats.sample(statsReply: reply, at: .now)
        #expect(sample.counters.hits == 7)
        #expect(sample.counters.misses == 3)
        #expect(sample.counters.gets == 10)
        #expect(sample.counters.sets == 1)
        #expect(sample.counters.evictions == 0)
        #expect(sample.counters.expirations == 0)
        #expect(sample.gauges.memoryLimitBytes == 64 << 20)
        #expect(sample.gauges.items == 1)
        #expect(sample.identity.instance == (try MemcachedStats.parse(reply))["pid"])
        #expect(sample.identity.uptimeSeconds == UInt64(try #require(try MemcachedStats.parse(reply)["uptime"])))
        #expect(sample.details.isEmpty, "the version is read once per process, not every poll")
        #expect(MemcachedStats.processDetails(statsReply: reply, settings: nil) == ["version": "1.6.18"])
    }

    @Test func settingsAddTheLimitsWarmingNeeds() throws {
        let settings = try MemcachedStats.parse(fixture("memcached-stats-settings.txt"))
        let details = MemcachedStats.settingsDetails(settings)
        #expect(details["item_size_max"] == "1048576")
        #expect(details["lru_crawler"] == "yes")
        #expect(details.count == 4)
    }

    /// Every counter the sample reads is found wherever it sits in the reply, and a field that is not a number
    /// (or overflows) is left out rather than read as something else.
    @Test func sampleReadsFieldsByNameNotByPosition() throws {
        let reply = Array("STAT cmd_set 5\r\nSTAT rusage_user 0.5\r\nSTAT get_misses 18446744073709551616\r\nSTAT get_hits 42\r\nSTAT cas_hits 2\r\nEND\r\n".utf8)
        let sample = try MemcachedStats.sample(statsReply: reply, at: .now)
        #expect(sample.counters.hits == 42)
        #expect(sample.counters.misses == nil)
        #expect(sample.counters.sets == 5)
        #expect(sample.counters.commands == 7)
        #expect(sample.counters.evictions == nil)
    }

    @Test func errorReplyIsAServerError() {
        #expect(throws: WireError.serverError("ERROR")) { try MemcachedStats.parse(Array("ERROR\r\n".utf8)) }
        #expect(throws: WireError.serverError("SERVER_ERROR out of memory")) {
            try MemcachedStats.sample(statsReply: Array("SERVER_ERROR out of memory\r\n".utf8), at: .now)
        }
        #expect(throws: WireError.malformedReply("expected 'STAT name value', got '+OK'")) {
            try MemcachedStats.sample(statsReply: Array("STAT pid 1\r\n+OK\r\n".utf8), at: .now)
        }
    }
}
