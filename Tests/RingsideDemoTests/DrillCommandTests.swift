import RingsideCore
import RingsideWire
import Testing
@testable import RingsideDemo

@Suite struct DrillCommandTests {
    let nodes = ["mc-1", "mc-2", "redis-1"]

    func parse(_ line: String) -> Result<DrillCommand, DrillCommand.Problem>? { DrillCommand.parse(line, nodes: nodes, keys: 20_000) }

    func problem(_ line: String) -> String? {
        if case let .failure(problem)? = parse(line) { problem.description } else { nil }
    }

    @Test func goodLinesParseWithTheirDefaults() {
        #expect(parse("kill mc-2") == .success(.kill(node: "mc-2")))
        #expect(parse("slow redis-1 300") == .success(.slow(node: "redis-1", milliseconds: 300)))
        #expect(parse("hotkey") == .success(.hotKey(share: 0.3, seconds: 60)))
        #expect(parse("hotkey 0.5 10") == .success(.hotKey(share: 0.5, seconds: 10)))
        #expect(parse("spike 3") == .success(.spike(factor: 3, seconds: 30)))
        #expect(parse("expire") == .success(.expire(count: 500)))
        #expect(parse("drain be_app/app-2") == .success(.serverState(server: "be_app/app-2", state: "drain")))
        #expect(parse("dance") == nil, "not a drill: the console says it does not know it")
    }

    /// Each of these once became something else, froze the console (spike 1000000) or crashed it (expire -3).
    @Test(arguments: [
        ("spike 0", "spike's FACTOR takes more than 1 to 10 (got '0')"),
        ("spike 1000000", "spike's FACTOR takes more than 1 to 10 (got '1000000')"),
        ("spike", "usage: spike FACTOR [SECONDS]"),
        ("hotkey 5", "hotkey's SHARE (a fraction of all requests) takes more than 0 to 1 (got '5')"),
        ("hotkey 0.2 -1", "hotkey's SECONDS takes more than 0 to 3600 (got '-1')"),
        ("expire -3", "expire's COUNT takes 1 to 20000 (got '-3')"),
        ("expire 2.5", "expire's COUNT is a whole number (got '2.5')"),
        ("expire lots", "expire's COUNT takes 1 to 20000 (got 'lots')"),
        ("slow mc-1 soon", "slow takes a delay of 1 to 60000 ms (got 'soon')"),
        ("slow mc-1", "usage: slow NODE MS"),
        ("kill mc-9", "kill which node? 'mc-9' is not one of mc-1, mc-2, redis-1"),
        ("kill", "usage: kill NODE"),
        ("drain app-2", "usage: drain BACKEND/SERVER"),
    ])
    func badArgumentsAreRefusedWithWhatIsWrong(line: String, message: String) {
        #expect(problem(line) == message)
    }
}

@Suite(.serialized) struct ReadOnlyDemoTests {
    @Test func aReadOnlyDemoRefusesEveryDrillAndChangesNothing() async throws {
        var options = DemoFleet.Options()
        options.nodes = 2
        options.rate = 100
        options.gate = WriteGate(readOnlyBecause: "--read-only")
        let demo = try await DemoFleet.start(options)
        for line in ["kill mc-1", "hang mc-2", "spike 2", "expire 10", "drain be_app/app-1", "weight be_app/app-1 3"] {
            #expect(await demo.run(line) == "read-only (--read-only): '\(line)' was not sent")
        }
        #expect(await demo.run("spike 0")?.hasPrefix("spike's FACTOR") == true, "a wrong line is explained before the gate")
        let client = MemcachedClient(
            host: "127.0.0.1", port: demo.fleet.endpoints.first { $0.name == "mc-1" }!.address.port,
            limits: WireLimits(connectTimeout: .seconds(2), requestTimeout: .seconds(2)))
        _ = try await client.poll().get()  // mc-1 still answers
        try? await client.close().get()
        await demo.stop()
    }

    @Test func theConsoleDemoWritesNoPasswordFile() async throws {
        var options = DemoFleet.Options()
        options.nodes = 1
        options.rate = 100
        let demo = try await DemoFleet.start(options)
        let redis2 = try #require(demo.fleet.endpoints.first { $0.name == "redis-2" })
        #expect(redis2.credentials?.password == .environment(DemoPassword.variable))
        await demo.stop()
    }
}
