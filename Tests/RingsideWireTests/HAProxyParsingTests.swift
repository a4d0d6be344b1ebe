import RingsideCore
import Testing
@testable import RingsideWire

@Suite struct HAProxyParsingTests {
    func text(_ name: String) throws -> ArraySlice<UInt8> { try fixture(name)[...] }

    @Test func promptSessionSplitsIntoOneReplyPerCommand() throws {
        var bytes = try fixture("haproxy-prompt-session.txt")
        var replies: [String] = []
        while case let .complete(length) = HAProxyFraming.scanPrompted(bytes, resumeAt: 0) {
            replies.append((try? HAProxyFraming.text(of: Array(bytes[..<length]))) ?? "error")
            bytes.removeFirst(length)
        }
        // prompt, set severity-output, get weight, an unknown server, show servers state
        #expect(replies.count == 5)
        #expect(replies[2] == "5 (initial 3)")
        #expect(replies[3] == "error")
        #expect(replies[4].hasPrefix("1\n# be_id be_name"))
    }

    @Test func errReplyQuotesHAProxy() {
        #expect(throws: WireError.serverError("No such server.")) {
            try HAProxyFraming.text(of: Array("[err]: No such server.\n\n> ".utf8))
        }
        #expect(throws: WireError.serverError("Permission denied")) { try HAProxyFraming.text(of: Array("Permission denied\n\n> ".utf8)) }
    }

    @Test func showStatByHeaderNameWithEveryStatusForm() throws {
        let backends = try HAProxyStatParser.backends(fromShowStat: text("haproxy-show-stat.txt"))
        #expect(backends.map(\.name) == ["be_app", "be_hash"])
        let app = backends[0]
        #expect(app.algorithm == "roundrobin")
        #expect(app.servers.map(\.name) == ["s1", "s2", "s3", "s4", "s5"])
        #expect(app.servers.map(\.status.state) == [.up, .up, .down, .drain, .maint])
        #expect(app.servers[1].weight == 5 && app.servers[1].userWeight == 5)
        #expect(app.servers[2].checkStatus == "L4CON" && app.servers[2].lastCheck == "Connection refused")
        #expect(app.servers[3].weight == 2, "DRAIN leaves the CSV weight unchanged")
        #expect(backends[1].servers.map(\.sid) == [7, 2])
        #expect(backends[1].servers.allSatisfy { $0.status.state == .noCheck })
    }

    @Test func serversStateJoinsRuntimeStateAndInitialWeight() throws {
        let runtime = try HAProxyStatParser.runtimeStates(fromServersState: text("haproxy-show-servers-state.txt"))
        #expect(runtime.count == 7)
        let snapshot = HAProxyStatParser.snapshot(
            info: HAProxyStatParser.info(fromShowInfo: try text("haproxy-show-info.txt")),
            backends: try HAProxyStatParser.backends(fromShowStat: text("haproxy-show-stat.txt")), runtime: runtime)
        #expect(snapshot.version == "2.6.12-1+deb12u4")
        let app = snapshot.backends[0].servers
        #expect(app.map { $0.runtime?.isUsable } == [true, true, false, false, false])
        #expect(app[1].initialWeight == 3)
        #expect(app[3].runtime?.adminState == 0x08)
    }

    @Test func checkInProgressMarkerIsNotPartOfTheCheckStatus() throws {
        let text = Array("# pxname,svname,status,type,check_status\nbe,BACKEND,UP,1,\nbe,s1,DOWN,2,* L4CON\n".utf8)[...]
        #expect(try HAProxyStatParser.backends(fromShowStat: text)[0].servers[0].checkStatus == "L4CON")
    }

    @Test func csvHonoursQuotes() {
        let row = CSVRow(Array(#"a,"b,c","say ""hi""",,d"#.utf8)[...])
        #expect(row.fields == ["a", "b,c", #"say "hi""#, "", "d"])
        #expect(row[9] == nil)
    }

    @Test func showStatWithoutHeaderIsMalformed() {
        #expect(throws: WireError.self) { try HAProxyStatParser.backends(fromShowStat: Array("be,s1,UP\n".utf8)[...]) }
    }
}

@Suite struct TwemproxyParsingTests {
    @Test func statsDocumentWithNamedAndUnnamedServers() throws {
        let snapshot = try TwemproxyStatsParser.parse(fixture("twemproxy-stats-ejected.json"))
        #expect(snapshot.version == "0.5.0")
        let pool = try #require(snapshot.pools.first)
        #expect(pool.name == "alpha")
        #expect(pool.serverEjects == 1)
        #expect(pool.servers.map(\.name) == ["127.0.0.1:21212", "mc-a", "mc-dead"])
        let dead = pool.servers[2]
        #expect(dead.ejectedAtMicroseconds == 1_795_829_021_127_153)
        #expect(dead.isEjected(nowMicroseconds: snapshot.timestamp * 1_000_000, policy: .assumed))
        #expect(pool.servers[0].requests == 199)
    }

    @Test func notTwemproxyIsMalformed() {
        #expect(throws: WireError.self) { try TwemproxyStatsParser.parse(Array(#"{"service":"other"}"#.utf8)) }
        #expect(throws: WireError.self) { try TwemproxyStatsParser.parse(Array("garbage".utf8)) }
        #expect(throws: WireError.self) { try TwemproxyStatsParser.parse([]) }
    }
}
