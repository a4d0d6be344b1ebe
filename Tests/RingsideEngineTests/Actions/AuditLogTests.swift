import Foundation
import RingsideCore
@testable import RingsideEngine
import RingsideTestSupport
import Testing

/// A crash mid-action: the log keeps one line per action, and the action that never ended is one of them.
@Suite struct AuditLogTests {
    let audit = AuditLog(path: FileManager.default.temporaryDirectory.appendingPathComponent("ringside-audit-\(UUID().uuidString.prefix(8)).jsonl").path)

    func planned(_ id: String) -> AuditRecord {
        let action = OperatorAction(target: ServerTarget(scope: "edge", backend: "be_app", server: "app-1"), verb: .state(.maint))
        let member = MemberOutcome(
            endpoint: "edge", address: "127.0.0.1:9999", sent: [], before: nil, expected: nil, after: nil, result: .interrupted,
            detail: "planned: set server be_app/app-1 state maint")
        return AuditRecord(
            id: id, time: Date(), operator: AuditOperator(user: "ops", sudoUser: nil, sshClient: "10.0.0.7"), host: "h", version: "t",
            action: action, endpoints: [member], result: .interrupted, durationMs: nil, warnings: [])
    }

    /// The pid of a process that has exited (and been reaped).
    ///
    /// Not Foundation's `Process.waitUntilExit`: it blocks a thread of the cooperative pool in a run loop, and
    /// with two of these tests waiting at once both pool threads hung there for good (seen in gdb, after a CI run
    /// ran out of time).
    func goneProcess() async throws -> Int32 {
        let process = try ChildProcess(executable: "/bin/true", arguments: [], stdio: .discard)
        _ = await process.exitCode()
        return process.pid
    }

    func leaveInFlight(_ record: AuditRecord, pid: Int32) throws {
        try FileManager.default.createDirectory(atPath: audit.inFlightDirectory, withIntermediateDirectories: true)
        let data = try AuditLog.encoder.encode(AuditLog.InFlight(pid: pid, record: record))
        try data.write(to: URL(fileURLWithPath: audit.inFlightDirectory + "/\(record.id).json"))
    }

    @Test func anActionWhoseProcessDiedBecomesAnInterruptedLineOnce() async throws {
        try leaveInFlight(planned("dead"), pid: try await goneProcess())
        let (records, problems) = try audit.read()
        #expect(problems.isEmpty)
        try #require(records.count == 1)
        #expect(records[0].id == "dead" && records[0].result == .interrupted && records[0].operator.sshClient == "10.0.0.7")
        #expect(records[0].endpoints[0].detail.contains("planned: set server be_app/app-1 state maint"))
        #expect(records[0].endpoints[0].detail.contains("read the server to see what it did"))
        #expect(try audit.read().records.count == 1, "recovered once")
        #expect(AuditText.render(records).contains("interrupted"))
    }

    @Test func anActionStillUnderWayStaysInFlightAndFinishesAsOneLine() throws {
        try audit.begin(planned("live"))
        #expect(try audit.read().records.isEmpty, "this process is still carrying it out")
        var done = planned("live")
        done.result = .applied
        try audit.finish(done)
        let records = try audit.read().records
        #expect(records.map(\.result) == [.applied])
        #expect(try FileManager.default.contentsOfDirectory(atPath: audit.inFlightDirectory).isEmpty)
    }

    @Test func aCrashBetweenTheLineAndTheClearIsNotLoggedTwice() async throws {
        var done = planned("both")
        done.result = .applied
        try audit.append(done)
        try leaveInFlight(planned("both"), pid: try await goneProcess())
        #expect(try audit.read().records.map(\.result) == [.applied])
        #expect(try FileManager.default.contentsOfDirectory(atPath: audit.inFlightDirectory).isEmpty)
    }

    /// What `status` and the console read: running warms (a live process's in-flight record), finished ones, and
    /// a new line seen once the file has changed; a dead process's record is not "running", and nothing is written.
    @Test func warmingReadsComeFromLinesAndLiveInFlightRecordsWithoutChangingTheLog() async throws {
        func warm(_ id: String, durationMs: Double?) -> AuditRecord {
            var record = planned(id)
            record.action = "warm \(id)"
            record.readsFrom = ["cache-a"]
            record.durationMs = durationMs
            record.result = durationMs == nil ? .interrupted : .applied
            return record
        }
        let warms = WarmingReadLog(log: audit)
        let window = Date().addingTimeInterval(-60)...Date().addingTimeInterval(60)
        try leaveInFlight(warm("running", durationMs: nil), pid: getpid())
        try leaveInFlight(warm("crashed", durationMs: nil), pid: try await goneProcess())
        try audit.append(planned("a drain"))
        #expect(warms.reads(during: window).map(\.job) == ["warm running"])
        #expect(warms.reads(during: window).first?.until == nil)
        try audit.append(warm("done", durationMs: 500))
        #expect(Set(warms.reads(during: window).map(\.job)) == ["warm running", "warm done"], "the appended line is read")
        #expect(try audit.recorded().records.map(\.id) == ["a drain", "done"], "no interrupted line was written")
        #expect(FileManager.default.fileExists(atPath: audit.inFlightDirectory + "/crashed.json"))
    }
}
