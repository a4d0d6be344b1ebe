import Foundation
import Testing
@testable import RingsideCore

struct WarmingReadTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ id: String, at offset: Double, durationSeconds: Double?, result: ActionResult = .applied, reads: [String]? = ["cache-a"]) -> AuditRecord {
        var record = AuditRecord(
            id: id, time: start.addingTimeInterval(offset), operator: AuditOperator(user: "sre", sudoUser: nil, sshClient: nil), host: "h", version: "t",
            action: "warm \(id)", target: "cache-b", endpoints: [], result: result, durationMs: durationSeconds.map { $0 * 1000 }, warnings: [])
        record.readsFrom = reads
        return record
    }

    @Test func onlyWarmsThatReadANodeDuringTheWindowMarkIt() {
        let window = start.addingTimeInterval(100)...start.addingTimeInterval(110)
        let logged = [
            record("before", at: 0, durationSeconds: 50),
            record("overlapping", at: 90, durationSeconds: 15),
            record("interrupted", at: 95, durationSeconds: nil, result: .interrupted),
            record("drain", at: 101, durationSeconds: 1, reads: nil),
            record("after", at: 120, durationSeconds: 5),
        ]
        let reads = WarmingRead.from(logged: logged, underWay: [record("running", at: 105, durationSeconds: nil, result: .interrupted)], touching: window)
        #expect(reads.map(\.job) == ["warm overlapping", "warm running"])
        #expect(reads[0].until == start.addingTimeInterval(105) && reads[1].until == nil)
        #expect(reads[1].covers(start.addingTimeInterval(1_000)) && !reads[0].covers(start.addingTimeInterval(106)))
    }

    /// `finish` writes the line before it clears the in-flight record: a reader between the two sees both.
    @Test func aWarmWhoseLineIsWrittenIsFinishedEvenIfItsInFlightRecordRemains() {
        let window = start...start.addingTimeInterval(10)
        let line = record("w", at: 1, durationSeconds: 2), planned = record("w", at: 1, durationSeconds: nil, result: .interrupted)
        #expect(WarmingRead.from(logged: [line], underWay: [planned], touching: window) == [
            WarmingRead(job: "warm w", node: "cache-a", since: start.addingTimeInterval(1), until: start.addingTimeInterval(3)),
        ])
    }

    @Test func aWarmOfSeveralSourcesMarksEachOfThem() {
        let window = start...start.addingTimeInterval(10)
        let reads = WarmingRead.from(logged: [record("ring", at: 1, durationSeconds: 2, reads: ["mc-2", "mc-3"])], underWay: [], touching: window)
        #expect(reads.map(\.node) == ["mc-2", "mc-3"])
    }
}

struct ChartMarkTests {
    @Test func aColumnIsMarkedWhenAnyOfItsPollsIs() {
        // 10 polls in 5 columns: two polls a column, the newest last.
        #expect(ChartWindow.marks(10, columns: 5) { $0 == 3 || $0 == 9 } == [false, true, false, false, true])
        #expect(ChartWindow.marks(3, columns: 10) { $0 == 0 } == [true, false, false])
        #expect(ChartWindow.marks(0, columns: 10) { _ in true }.isEmpty)
    }
}
