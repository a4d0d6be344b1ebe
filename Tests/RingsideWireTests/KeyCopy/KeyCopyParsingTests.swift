import RingsideCore
import Testing
@testable import RingsideWire

struct MemcachedKeyCopyParsingTests {
    @Test func aMetadumpLineGivesTheDecodedKeyItsExpiryAndSize() throws {
        let line = Array("key=caf%C3%A9%20x exp=1796284900 la=1796284700 cas=12 fetch=no cls=1 size=70".utf8)
        #expect(try MemcachedKeyCopy.dumpLine(line[...]) == .item(key: Array("café x".utf8), expiresAt: 1_796_284_900, size: 70))
        #expect(try MemcachedKeyCopy.dumpLine(Array("key=perm exp=-1 la=1 cas=2 fetch=yes cls=1 size=60".utf8)[...]) == .item(key: Array("perm".utf8), expiresAt: -1, size: 60))
        #expect(try MemcachedKeyCopy.dumpLine(Array("END".utf8)[...]) == .end)
        #expect(try MemcachedKeyCopy.dumpLine(Array("BUSY currently processing crawler request".utf8)[...]) == .busy("BUSY currently processing crawler request"))
    }

    @Test func aBrokenMetadumpLineIsAnErrorNotAKey() {
        #expect(throws: WireError.self) { try MemcachedKeyCopy.dumpLine(Array("key=bad%G1 exp=-1".utf8)[...]) }
        #expect(throws: WireError.self) { try MemcachedKeyCopy.dumpLine(Array("la=1 cas=2".utf8)[...]) }
        #expect(throws: WireError.self) { try MemcachedKeyCopy.dumpLine(Array("ERROR cannot pipeline other commands before metadump".utf8)[...]) }
    }

    @Test func valuesAreFramedByTheirLengthSoCRLFAndENDInsideAreData() throws {
        let value = Array("a\r\nEND\r\nb".utf8)
        let stream = Array("VA \(value.count) f7 t-1\r\n".utf8) + value + [13, 10] + Array("EN\r\nHD\r\n".utf8)
        guard case let .complete(first) = MemcachedKeyCopy.frame(stream, at: 0) else { Issue.record("not framed"); return }
        #expect(try MemcachedKeyCopy.getReply(Array(stream[..<first])) == .init(flags: 7, remainingTTL: nil, value: value))
        #expect(MemcachedKeyCopy.frame(stream, at: first) == .complete(length: 4))
        #expect(MemcachedKeyCopy.frame(stream, at: first + 4) == .complete(length: 4))
        #expect(MemcachedKeyCopy.frame(Array(stream[..<(first - 3)]), at: 0) == .incomplete(resumeAt: 0))
        #expect(try MemcachedKeyCopy.getReply(Array("EN\r\n".utf8)) == nil)
    }

    @Test func keysWithSpacesOrControlBytesGoBase64AndOverlongOnesCannotBeSent() {
        #expect(MemcachedKeyCopy.keyToken(Array("café".utf8))! == (Array("café".utf8), false))
        let spaced = MemcachedKeyCopy.keyToken(Array("a b".utf8))!
        #expect(spaced.base64 && spaced.token == Array("YSBi".utf8))
        #expect(MemcachedKeyCopy.keyToken(Array(repeating: UInt8(ascii: "k"), count: 250))!.base64 == false)
        #expect(MemcachedKeyCopy.keyToken(Array(repeating: 0x20, count: 200)) == nil)
    }

    @Test func addModeSetsCarryFlagsTTLAndTheBase64Flag() throws {
        var out: [UInt8] = []
        MemcachedKeyCopy.add((Array("YSBi".utf8), true), flags: 9, ttl: 1_796_284_900, value: Array("v\r\n".utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "ms YSBi 3 b F9 T1796284900 ME\r\nv\r\n\r\n")
        #expect(try MemcachedKeyCopy.addReply(Array("NS\r\n".utf8)) == .alreadyPresent)
        #expect(try MemcachedKeyCopy.addReply(Array("SERVER_ERROR object too large for cache\r\n".utf8)) == .refused("SERVER_ERROR object too large for cache"))
    }
}

struct RedisKeyCopyParsingTests {
    @Test func repliesAreFramedFromAnOffsetInAStream() {
        let stream = Array("+OK\r\n$3\r\nabc\r\n:5\r\n".utf8)
        #expect(RESP.frame(stream, at: 0) == .complete(length: 5))
        #expect(RESP.frame(stream, at: 5) == .complete(length: 9))
        #expect(RESP.frame(stream, at: 14) == .complete(length: 4))
        #expect(RESP.frame(Array(stream[..<12]), at: 5) == .incomplete(resumeAt: 5))
    }

    @Test func binaryKeysAndPayloadsAreSentByLength() {
        var out: [UInt8] = []
        RedisKeyCopy.restore(key: Array("a key\r\n".utf8), ttl: 0, payload: [0, 13, 10, 255], into: &out)
        #expect(out == Array("*4\r\n$7\r\nRESTORE\r\n$7\r\na key\r\n\r\n$1\r\n0\r\n$4\r\n".utf8) + [0, 13, 10, 255, 13, 10])
    }

    @Test func dumpRepliesGiveTTLPayloadOrGone() throws {
        let ttl = Array(":1500\r\n".utf8), noTTL = Array(":-1\r\n".utf8), gone = Array(":-2\r\n".utf8)
        let payload = Array("$2\r\n\u{0}x\r\n".utf8), null = Array("$-1\r\n".utf8)
        #expect(try RedisKeyCopy.dumpWithTTLReplies([ttl, payload][...]) == .init(ttlMilliseconds: 1500, payload: [0, UInt8(ascii: "x")]))
        #expect(try RedisKeyCopy.dumpWithTTLReplies([noTTL, payload][...])?.ttlMilliseconds == nil)
        #expect(try RedisKeyCopy.dumpWithTTLReplies([gone, null][...]) == nil)
        #expect(try RedisKeyCopy.memoryUsageReply(null) == nil)
    }

    @Test func theSizeAndDumpScriptGivesGoneSizedOrDumpedPerKey() throws {
        // gone; sized only (too big, or past the budget); dumped with a TTL; dumped without; expired between size and dump.
        let reply = Array("*5\r\n:0\r\n:9000000\r\n*2\r\n:1500\r\n$2\r\n\u{0}x\r\n*2\r\n:-1\r\n$1\r\ny\r\n*1\r\n:-2\r\n".utf8)
        #expect(try RedisKeyCopy.sizedDumpsReply(reply, count: 5) == [
            .gone, .sized(9_000_000), .dumped(.init(ttlMilliseconds: 1500, payload: [0, UInt8(ascii: "x")])),
            .dumped(.init(ttlMilliseconds: nil, payload: [UInt8(ascii: "y")])), .gone,
        ])
        #expect(throws: WireError.serverError("NOPERM this user has no permissions to run the 'eval' command")) {
            try RedisKeyCopy.sizedDumpsReply(Array("-NOPERM this user has no permissions to run the 'eval' command\r\n".utf8), count: 1)
        }
        #expect(throws: WireError.self) { try RedisKeyCopy.sizedDumpsReply(Array("*1\r\n+OK\r\n".utf8), count: 1) }
        #expect(throws: WireError.self) { try RedisKeyCopy.sizedDumpsReply(Array("*0\r\n".utf8), count: 1) }
    }

    @Test func restoreSaysStoredNewerKeptOrTheServersRefusal() throws {
        #expect(try RedisKeyCopy.restoreReply(Array("+OK\r\n".utf8)) == .stored)
        #expect(try RedisKeyCopy.restoreReply(Array("-BUSYKEY Target key name already exists.\r\n".utf8)) == .alreadyPresent)
        #expect(try RedisKeyCopy.restoreReply(Array("-ERR DUMP payload version or checksum are wrong\r\n".utf8)) == .refused("ERR DUMP payload version or checksum are wrong"))
    }

    @Test func scanGivesTheNextCursorAndTheKeys() throws {
        let reply = Array("*2\r\n$2\r\n17\r\n*2\r\n$5\r\na key\r\n$1\r\nb\r\n".utf8)
        let page = try RedisKeyCopy.scanReply(reply)
        #expect(page.cursor == "17" && page.keys == [Array("a key".utf8), Array("b".utf8)])
    }
}
