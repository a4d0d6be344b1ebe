import NIOCore
import RingsideCore
import RingsideTestSupport
import Testing
@testable import RingsideWire

struct PipelinedConnectionTests {
    @Test(.enabled(if: DaemonKind.redis.shouldRunLiveTests, "redis-server is not installed"))
    func batchesInFlightTogetherGetTheirOwnRepliesInOrder() async throws {
        let redis = try Daemons.redis()
        let connection = try await PipelinedConnection.connect(host: "127.0.0.1", port: redis.port, limits: WireLimits(requestTimeout: .seconds(5)), framer: RESP.frame)
        let results = try await withThrowingTaskGroup(of: (Int, [[UInt8]]).self) { group in
            for batch in 0..<20 {
                group.addTask {
                    let request = (0..<50).flatMap { RESP.command(["ECHO", "\(batch)-\($0)"]) }
                    return (batch, try await connection.send(request, replies: 50))
                }
            }
            var results: [Int: [[UInt8]]] = [:]
            for try await (batch, replies) in group { results[batch] = replies }
            return results
        }
        #expect(results.count == 20)
        for (batch, replies) in results {
            #expect(replies == (0..<50).map { Array("$\("\(batch)-\($0)".count)\r\n\(batch)-\($0)\r\n".utf8) })
        }
        await connection.close()
    }

    @Test func aServerThatNeverAnswersFailsTheBatchAndEveryOneBehindIt() async throws {
        let server = try await FakeServer(.silent)
        let connection = try await PipelinedConnection.connect(host: "127.0.0.1", port: server.port, limits: WireLimits(requestTimeout: .milliseconds(200)), framer: RESP.frame)
        async let first = Result { try await connection.send(Array("PING\r\n".utf8), replies: 1) }
        async let second = Result { try await connection.send(Array("PING\r\n".utf8), replies: 1) }
        for result in [await first, await second] {
            #expect(throws: WireError.replyTimeout(.milliseconds(200))) { try result.get() }
        }
        await #expect(throws: WireError.self) { try await connection.send(Array("PING\r\n".utf8), replies: 1) }
        await server.stop()
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
