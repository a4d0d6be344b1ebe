import NIOCore
import NIOPosix
import RingsideTestSupport
import Synchronization
import Testing
@testable import RingsideWire

@Suite struct TransportTests {
    /// The console's "poll now" can ask while a scheduled poll is still waiting for its reply: the second request
    /// waits its turn on the connection instead of failing with "a request is already in flight".
    @Test func requestsAskedTogetherOnOneConnectionAreAnsweredInTurn() async throws {
        let server = try await FakeServer(.delayed(.milliseconds(30), { request, bytes in
            FakeReplies.memcached(bytes, hits: UInt64(request), misses: 0)
        }))
        let connection = PersistentConnection(
            host: "127.0.0.1", port: server.port, limits: WireLimits(), on: MultiThreadedEventLoopGroup.singleton.next())
        let asked = (0..<3).map { _ in connection.exchange(ByteBuffer(string: "stats\r\n"), framing: MemcachedFraming.listing) }
        var hits: [UInt64] = []
        for reply in asked {
            hits.append(try #require(try MemcachedStats.sample(statsReply: try await reply.get()[0], at: .now).counters.hits))
        }
        // The fake numbers requests from 0 as it receives them: each answered, in the order asked.
        #expect(hits == [0, 1, 2])
        #expect(server.requestCount == 3)
        try? await connection.close().get()
        await server.stop()
    }

    /// The collector reuses its reply buffer once a reader is done with it; a reader that keeps a reply keeps it
    /// as it was, whatever the connection reads next.
    @Test func aReplyKeptByItsReaderStaysIntactWhileTheConnectionReadsTheNext() async throws {
        let server = try await FakeServer(.reply { request, bytes in FakeReplies.memcached(bytes, hits: UInt64(request), misses: 0) })
        let connection = PersistentConnection(
            host: "127.0.0.1", port: server.port, limits: WireLimits(), on: MultiThreadedEventLoopGroup.singleton.next())
        let first = try await connection.exchange(ByteBuffer(string: "stats\r\n"), framing: MemcachedFraming.listing).get()[0]
        let kept = Array(first)
        let second = try await connection.exchange(ByteBuffer(string: "stats\r\n"), framing: MemcachedFraming.listing).get()[0]
        #expect(first == kept)
        #expect(try MemcachedStats.sample(statsReply: first, at: .now).counters.hits == 0)
        #expect(try MemcachedStats.sample(statsReply: second, at: .now).counters.hits == 1)
        try? await connection.close().get()
        await server.stop()
    }

    /// A server that closed the kept connection while it sat idle (HAProxy's CLI timeout, a restart) gets the
    /// request again on a new connection, rather than the endpoint showing as down for a poll.
    @Test func aRequestOnAConnectionTheServerClosedIsSentAgainOnANewOne() async throws {
        let server = try await FakeServer(.replyThenClose(Array("STAT pid 1\r\nSTAT uptime 5\r\nEND\r\n".utf8)))
        // Patient deadlines: this is about resending, and a loaded two-core run has stalled a reply past 1 s.
        let connection = PersistentConnection(
            host: "127.0.0.1", port: server.port, limits: WireLimits(connectTimeout: .seconds(5), requestTimeout: .seconds(5)),
            on: MultiThreadedEventLoopGroup.singleton.next())
        // Depending on timing the client sees the server's FIN before writing, or writes first and gets a reset
        // back: twenty requests in a row meet both.
        for _ in 0..<20 {
            let reply = try await connection.exchange(ByteBuffer(string: "stats\r\n"), framing: MemcachedFraming.listing).get()[0]
            #expect(try MemcachedStats.sample(statsReply: reply, at: .now).identity.uptimeSeconds == 5)
        }
        #expect(server.requestCount == 20, "each request answered once, on its own connection")
        #expect(WireError.connectionReset(receivedBytes: 0).lostBeforeAnyReply)
        #expect(!WireError.connectionReset(receivedBytes: 10).lostBeforeAnyReply, "part of a reply came: not resent")
        try? await connection.close().get()
        await server.stop()
    }

    /// Deadlines and next polls may fire late by at most the grid's step, never early, each exactly once.
    @Test func coalescedTimersNeverFireEarly() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let timers = CoalescedTimers.on(loop)
        #expect(CoalescedTimers.on(loop) === timers, "one set of timers per loop")
        let delays: [Int64] = [20, 21, 22, 45]
        let recorder = FiringRecorder(expected: delays.count, done: loop.makePromise())
        loop.execute {
            let now = NIODeadline.now()
            for (token, delay) in delays.enumerated() {
                let deadline = now + .milliseconds(delay)
                recorder.asked.withLock { $0[token] = deadline }
                timers.schedule(at: deadline, wake: recorder, token: token)
            }
        }
        try await recorder.done.futureResult.get()
        let firings = recorder.fired.withLock { $0 }
        let asked = recorder.asked.withLock { $0 }
        #expect(firings.map(\.token).sorted() == Array(delays.indices), "each timer fires exactly once")
        for firing in firings { #expect(firing.at >= asked[firing.token]!) }
        #expect(firings.map(\.token) == firings.map(\.token).sorted(), "in deadline order")
    }
}

/// Notes when each token's timer fired.
private final class FiringRecorder: CoalescedTimerTarget, Sendable {
    let expected: Int
    let done: EventLoopPromise<Void>
    let asked = Mutex<[Int: NIODeadline]>([:])
    let fired = Mutex<[(token: Int, at: NIODeadline)]>([])

    init(expected: Int, done: EventLoopPromise<Void>) {
        self.expected = expected
        self.done = done
    }

    func timerFired(token: Int) {
        let count = fired.withLock { fired in
            fired.append((token, .now()))
            return fired.count
        }
        if count == expected { done.succeed() }
    }
}

@Suite struct MemcachedClientFaultTests {
    /// `stats` answered, `stats settings` never: the poll keeps its stats, says why the settings are missing, and
    /// the next poll asks for them again instead of remembering the process as one that refuses them.
    @Test func settingsLostToATimeoutAreAskedForAgain() async throws {
        let server = try await FakeServer(.reply { request, bytes in
            bytes.starts(with: Array("stats settings".utf8)) ? [] : FakeReplies.memcached(bytes, hits: UInt64(request), misses: 0)
        })
        // The settings never come, so each poll waits out the deadline; 1 s, not less: under a loaded two-core run
        // the stats reply itself has come after 200 ms.
        let client = MemcachedClient(host: "127.0.0.1", port: server.port, limits: WireLimits(requestTimeout: .seconds(1)))
        let first = try await client.poll().get()
        #expect(first.counters.hits == 0)
        #expect(first.unavailable["settings"]?.hasPrefix("stats settings not read: no reply within") == true)
        let second = try await client.poll().get()
        #expect(second.counters.hits == 2)
        #expect(server.requestCount == 4, "stats and stats settings, twice")
        try? await client.close().get()
        await server.stop()
    }
}
