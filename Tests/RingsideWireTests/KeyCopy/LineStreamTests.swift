import RingsideCore
import RingsideTestSupport
import Testing
@testable import RingsideWire

struct LineStreamTests {
    let limits = WireLimits(connectTimeout: .seconds(1), requestTimeout: .milliseconds(200))
    /// For the tests that are not about the deadline: a loaded two-core run has stalled a fake's reply past 200 ms.
    let patient = WireLimits(connectTimeout: .seconds(5), requestTimeout: .seconds(5))

    @Test func aMetadumpThatNeverComesFailsWithATimeoutNotAHang() async throws {
        let server = try await FakeServer(.silent)
        await #expect(throws: WireError.replyTimeout(.milliseconds(200))) {
            try await MemcachedKeyCopyConnection.listKeys(host: "127.0.0.1", port: server.port, limits: limits) { _ in true }
        }
        await server.stop()
    }

    @Test func aDumpCutOffBeforeENDIsAnErrorAndGarbageIsNamed() async throws {
        let cut = try await FakeServer(.replyThenClose(Array("key=a exp=-1 la=1 cas=1 fetch=no cls=1 size=60\n".utf8)))
        var listed: [MemcachedKeyCopy.DumpLine] = []
        await #expect(throws: WireError.closedMidReply(receivedBytes: 0)) {
            try await MemcachedKeyCopyConnection.listKeys(host: "127.0.0.1", port: cut.port, limits: patient) { lines in
                listed += lines
                return true
            }
        }
        #expect(listed == [.item(key: Array("a".utf8), expiresAt: -1, size: 60)])
        let garbage = try await FakeServer(.reply { _, _ in Array("HTTP/1.1 400 Bad Request\r\n".utf8) })
        await #expect(throws: WireError.malformedReply("metadump line without key= and exp=: HTTP/1.1 400 Bad Request")) {
            try await MemcachedKeyCopyConnection.listKeys(host: "127.0.0.1", port: garbage.port, limits: patient) { _ in true }
        }
        await cut.stop()
        await garbage.stop()
    }

    @Test func aBusyCrawlerIsAskedAgainWithABackOff() async throws {
        // Busy twice, then a dump: the third ask succeeds.
        let server = try await FakeServer(.reply { request, _ in
            Array((request < 2 ? "BUSY currently processing crawler request\r\n" : "key=k exp=-1 la=1 cas=1 fetch=no cls=1 size=60\nEND\r\n").utf8)
        })
        var listed: [MemcachedKeyCopy.DumpLine] = []
        try await MemcachedKeyCopyConnection.listKeys(host: "127.0.0.1", port: server.port, limits: patient, busyBackoff: .milliseconds(10)) { lines in
            listed += lines
            return true
        }
        #expect(listed.count == 1 && server.requestCount == 3)
        await server.stop()
    }
}
