import Foundation
import RingsideCore
import RingsideTestSupport
import RingsideWire
import Testing
@testable import RingsideEngine

/// Endpoints that misbehave, served by in-process fakes: each must end in the right state within its deadline,
/// without crashing and without holding on to unbounded memory.
@Suite struct FaultTests {
    /// Generous: the suite runs beside daemon-heavy live tests on two cores, and these tests are about classification.
    static let timeout = Duration.seconds(3)

    /// UP versus SLOW is not what most of these tests are about; on a loaded 2-core machine a healthy fake can
    /// take over the default 50 ms.
    static var relaxed: Thresholds {
        var thresholds = Thresholds()
        thresholds.slowLatency = .seconds(5)
        return thresholds
    }

    func fleet(_ endpoints: [(String, EndpointKind, String)], timeout: Duration = Self.timeout) -> Fleet {
        Fleet(
            name: "faults",
            endpoints: endpoints.map { Endpoint(name: $0.0, kind: $0.1, address: try! HostPort.parse($0.2).get()) },
            polling: PollSettings(interval: .milliseconds(100), timeout: timeout), thresholds: Self.relaxed)
    }

    /// Polls once and returns the endpoint's state and how long the poll took.
    func pollOnce(_ kind: EndpointKind, at address: String, timeout: Duration = Self.timeout) async -> (EndpointState, Duration) {
        let engine = PollEngine(fleet: fleet([("x", kind, address)], timeout: timeout))
        let started = ContinuousClock.now
        await engine.pollAllOnce()
        let elapsed = ContinuousClock.now - started
        await engine.stop()
        return (engine.snapshot().endpoints[0], elapsed)
    }

    @Test func refusedIsDown() async {
        let (state, _) = await pollOnce(.memcached, at: "127.0.0.1:\(freeLoopbackPort())")
        #expect(state.health == .down("connection refused"))
    }

    @Test(arguments: [EndpointKind.memcached, .redis, .haproxy])
    func acceptsAndNeverAnswersIsDownWithinTheDeadline(kind: EndpointKind) async throws {
        let server = try await FakeServer(.silent)
        let (state, elapsed) = await pollOnce(kind, at: server.address)
        #expect(state.health.word == "DOWN")
        #expect(state.health.detail?.hasPrefix("no reply within") == true)
        // Connect and reply each have the deadline: a hung endpoint is DOWN within twice it (plus room for a loaded machine).
        #expect(elapsed < Self.timeout * 2 + .seconds(1), "the deadlines hold")
        await server.stop()
    }

    @Test func slowAnswerIsSlowAndCarriesData() async throws {
        let server = try await FakeServer(.delayed(.milliseconds(80), { _, request in FakeReplies.memcached(request, hits: 7, misses: 3) }))
        let engine = PollEngine(fleet: Fleet(
            name: "slow", endpoints: [Endpoint(name: "x", kind: .memcached, address: try HostPort.parse(server.address).get())],
            polling: PollSettings(interval: .milliseconds(100), timeout: Self.timeout)))
        await engine.pollAllOnce()
        await engine.stop()
        let state = engine.snapshot().endpoints[0]
        #expect(state.health == .slow)
        #expect(state.cacheSample?.counters.hits == 7)
        await server.stop()
    }

    @Test(arguments: [EndpointKind.memcached, .redis])
    func garbageIsAProtocolError(kind: EndpointKind) async throws {
        let server = try await FakeServer(.reply { _, _ in Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8) })
        let (state, _) = await pollOnce(kind, at: server.address)
        // PROTO, not DOWN: garbage is recognised as it arrives, not by waiting out the reply deadline.
        #expect(state.health.word == "PROTO")
        await server.stop()
    }

    @Test func hundredMegabyteReplyIsRefusedWithBoundedMemory() async throws {
        let server = try await FakeServer(.flood(prefix: Array("$104857600\r\n".utf8), totalBytes: 100 << 20))
        let before = residentBytes()
        let engine = PollEngine(fleet: Fleet(
            name: "huge", endpoints: [Endpoint(name: "x", kind: .redis, address: try HostPort.parse(server.address).get())],
            polling: PollSettings(interval: .milliseconds(100), timeout: .seconds(10))))
        await engine.pollAllOnce()
        let state = engine.snapshot().endpoints[0]
        // The declared length alone is enough to refuse it: no waiting, no buffering.
        #expect(state.health == .protocolError("garbled reply: declares a 104857600-byte string, over the 16 MiB reply limit"))
        #expect(residentBytes() - before < 64 << 20, "memory grew by \((residentBytes() - before) >> 20) MiB")
        await engine.stop()
        await server.stop()
    }

    /// Said as what the peer did, not "no reply": memcached's answer to an HAProxy command, quoted.
    @Test func anotherProtocolsAnswerIsAProtocolErrorQuotingIt() async throws {
        let server = try await FakeServer(.reply { _, _ in Array("ERROR\r\n".utf8) })
        let (state, _) = await pollOnce(.haproxy, at: server.address)
        #expect(state.health.word == "PROTO")
        #expect(state.health.detail?.hasPrefix("no whole reply within 3000 ms: ") == true && state.health.detail?.hasSuffix("starting 'ERROR\\r\\n'") == true,
                "\(state.health)")
        await server.stop()
    }

    @Test func anImpossibleBulkLengthIsRefusedAtOnce() async throws {
        let server = try await FakeServer(.reply { _, _ in Array("$99999999999\r\n".utf8) })
        // A long deadline, so that "at once" is not "within 3 s" (a loaded CI run took 3.3 s to poll at all).
        let deadline = Duration.seconds(20)
        let (state, elapsed) = await pollOnce(.redis, at: server.address, timeout: deadline)
        #expect(state.health == .protocolError("garbled reply: declares a 99999999999-byte string, over the 16 MiB reply limit"))
        #expect(elapsed < deadline, "not by waiting out the deadline")
        await server.stop()
    }

    /// An endless line is refused as soon as the framer sees it cannot be a reply, quoting its start.
    @Test func anEndlessStreamIsAProtocolErrorQuotingIt() async throws {
        let server = try await FakeServer(.flood(prefix: Array("STAT ".utf8), totalBytes: 40 << 20))
        let engine = PollEngine(fleet: Fleet(
            name: "endless", endpoints: [Endpoint(name: "x", kind: .memcached, address: try HostPort.parse(server.address).get())],
            polling: PollSettings(interval: .milliseconds(100), timeout: .seconds(10))))
        await engine.pollAllOnce()
        let health = engine.snapshot().endpoints[0].health
        #expect(health.word == "PROTO" && health.detail?.contains("STAT xxxx") == true, "\(health)")
        await engine.stop()
        await server.stop()
    }

    @Test func closingMidReplyIsDown() async throws {
        let server = try await FakeServer(.replyThenClose(Array("STAT pid 1\r\nSTAT upt".utf8)))
        let (state, _) = await pollOnce(.memcached, at: server.address)
        #expect(state.health.word == "DOWN")
        #expect(state.health.detail == "connection closed mid-reply after 20 bytes")
        await server.stop()
    }

    @Test func counterResetBetweenPollsGivesNoValueAndAnEvent() async throws {
        let server = try await FakeServer(.reply { request, bytes in
            // Request 0 is the first poll's `stats` (1 is its `stats settings`); later polls see the counters reset.
            FakeReplies.memcached(bytes, hits: request == 0 ? 1000 : 5, misses: request == 0 ? 10 : 1)
        })
        let engine = PollEngine(fleet: fleet([("x", .memcached, server.address)]))
        await engine.pollAllOnce()
        await engine.pollAllOnce()
        let snapshot = engine.snapshot()
        #expect(snapshot.endpoints[0].health == .up)
        #expect(snapshot.endpoints[0].interval == nil)
        #expect(snapshot.events.contains { $0.kind == .countersReset && $0.message == "counters reset (hits 1000 → 5)" })
        await engine.stop()
        await server.stop()
    }

    @Test func aHungEndpointDelaysNobodyElse() async throws {
        let hung = try await FakeServer(.silent)
        let healthy = try await FakeServer(.reply { _, request in FakeReplies.memcached(request, hits: 1, misses: 1) })
        let engine = PollEngine(fleet: Fleet(
            name: "mixed", endpoints: [
                Endpoint(name: "hung", kind: .memcached, address: try HostPort.parse(hung.address).get()),
                Endpoint(name: "ok", kind: .memcached, address: try HostPort.parse(healthy.address).get()),
            ], polling: PollSettings(interval: .milliseconds(50), timeout: .seconds(10)), thresholds: Self.relaxed))
        engine.start()
        // While the hung endpoint's first poll waits out its 10 s deadline, the healthy one keeps polling
        // (a generous deadline, so a loaded machine cannot make the hung poll finish first).
        let deadline = ContinuousClock.now + .seconds(8)
        while (engine.completedPolls()["ok"] ?? 0) < 5 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((engine.completedPolls()["ok"] ?? 0) >= 5)
        #expect(engine.completedPolls()["hung"] == nil)
        #expect(engine.snapshot().endpoints[1].health == .up)
        await engine.stop()
        await hung.stop()
        await healthy.stop()
    }
}

/// Resident memory of this process, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
