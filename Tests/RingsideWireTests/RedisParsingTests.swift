import Testing
@testable import RingsideWire

@Suite struct RedisParsingTests {
    func decodeValue(_ bytes: [UInt8]) throws -> RESPValue {
        guard case let .value(value, length) = RESP.decode(bytes) else { throw WireError.malformedReply("not decodable") }
        #expect(length == bytes.count)
        return value
    }

    @Test func infoRESP2BulkMapsToTheCoreSample() throws {
        guard case let .bulk(info) = try decodeValue(fixture("redis-info-resp2.txt")) else { Issue.record("INFO is a bulk string"); return }
        let fields = RedisInfo.parse(info)
        #expect(fields["redis_version"] == "7.0.15")
        let sample = RedisInfo.sample(fields, at: .now)
        #expect(sample.counters.hits == 7)
        #expect(sample.counters.misses == 3)
        #expect(sample.counters.gets == 10)
        #expect(sample.counters.sets == nil)
        #expect(sample.gauges.memoryLimitBytes == nil, "maxmemory 0 means no limit")
        #expect(sample.gauges.items == 1)
        #expect(sample.identity.instance?.count == 40)
        #expect(sample.details["maxmemory_policy"] == "noeviction")
        #expect(sample.details["role"] == "master")
    }

    @Test func pollsKeepOnlyTheFieldsTheSampleReadsAndEveryDatabase() {
        let info = Array("# Server\r\nrun_id:abc\r\nos:Linux\r\n# Keyspace\r\ndb0:keys=3,expires=0\r\ndb12:keys=4,expires=1\r\ndbx:1\r\n".utf8)
        let fields = RedisInfo.parse(info, only: RedisInfo.sampledFields)
        #expect(Set(fields.keys) == ["run_id", "db0", "db12"])
        #expect(RedisInfo.keysPerDatabase(fields) == ["db0": 3, "db12": 4])
    }

    @Test func resp3HelloMapThenVerbatimInfo() throws {
        let bytes = try fixture("redis-info-resp3.txt")
        guard case let .value(hello, helloLength) = RESP.decode(bytes), case let .map(pairs) = hello else {
            Issue.record("HELLO 3 must decode to a map"); return
        }
        #expect(pairs.first?.key.text == "server")
        guard case let .bulk(info) = try decodeValue(Array(bytes[helloLength...])) else {
            Issue.record("a verbatim string decodes as a bulk string"); return
        }
        #expect(info.starts(with: "# Keyspace".utf8), "the txt: format prefix is stripped")
        #expect(RedisInfo.keysPerDatabase(RedisInfo.parse(info)) == ["db0": 1])
    }

    @Test func errorsDecodeAsErrors() throws {
        #expect(try decodeValue(fixture("redis-noauth.txt")) == .error("NOAUTH Authentication required."))
        #expect(try decodeValue(fixture("redis-wrongpass.txt")) == .error("WRONGPASS invalid username-password pair or user is disabled."))
        guard case let .error(message) = try decodeValue(fixture("redis-unknown-command.txt")) else {
            Issue.record("an unknown command must decode as an error"); return
        }
        #expect(message.hasPrefix("ERR unknown command 'MYINFO'"))
    }

    @Test func partialRepliesWaitAndGarbageIsRefused() throws {
        let info = try fixture("redis-info-resp2.txt")
        for cut in [1, 5, 100, info.count - 1] {
            #expect(RESP.decode(Array(info[..<cut])) == .incomplete)
        }
        if case .invalid = RESP.decode(Array("HTTP/1.1 200 OK\r\n".utf8)) {} else { Issue.record("HTTP must not decode as RESP") }
        if case .invalid = RESP.decode(Array(repeating: UInt8(ascii: "*"), count: 1) + Array("1\r\n".utf8) + Array(repeating: Array("*1\r\n".utf8), count: 40).flatMap { $0 }) {
        } else { Issue.record("nesting must be bounded") }
    }

    @Test func nestedArraysNullsAndIntegers() throws {
        let bytes = Array("*3\r\n:42\r\n$-1\r\n*1\r\n+OK\r\n".utf8)
        #expect(try decodeValue(bytes) == .array([.integer(42), .null, .array([.simple("OK")])]))
    }

    @Test func commandsAreArraysOfBulkStrings() {
        #expect(RESP.command(["AUTH", "pässword"]) == Array("*2\r\n$4\r\nAUTH\r\n$9\r\npässword\r\n".utf8))
    }
}

@Suite struct RESPBoundsTests {
    @Test func declaredSizesPastTheReplyLimitAreRefusedBeforeAnyAllocation() {
        #expect(RESP.decode(Array("*99999999999\r\n".utf8)) == .invalid("declares 99999999999 elements, over what fits the 16 MiB reply limit"))
        #expect(RESP.decode(Array("%99999999999\r\n".utf8)) == .invalid("declares 99999999999 elements, over what fits the 16 MiB reply limit"))
        #expect(RESP.decode(Array("$99999999999\r\n".utf8)) == .invalid("declares a 99999999999-byte string, over the 16 MiB reply limit"))
        #expect(RESP.decode(Array("*2\r\n:1\r\n".utf8)) == .incomplete)
    }
}
