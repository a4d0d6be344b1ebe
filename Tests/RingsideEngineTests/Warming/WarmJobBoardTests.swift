import Foundation
import RingsideCore
@testable import RingsideEngine
import Testing

@Suite struct WarmJobBoardTests {
    static func report(_ outcome: WarmOutcome) -> WarmReport {
        WarmReport(
            kind: .clone, target: "b", sources: ["a"], ring: nil, dryRun: false, outcome: outcome, error: nil, counts: WarmCounts(),
            durationSeconds: 1, problems: [], verification: nil)
    }

    @Test func cancelReachesTheRunningJobsControlOnlyWhileItRuns() {
        let board = WarmJobBoard()
        let (first, control) = board.start("warm b from a (clone)")
        let (second, _) = board.start("warm c from a (clone)")
        #expect(first != second)
        #expect(board.cancel(first) && control.isCancelled)
        #expect(board.jobs.first?.cancelling == true && board.jobs.last?.cancelling == false)
        board.finish(first, Self.report(.cancelled))
        #expect(!board.cancel(first), "a finished job cannot be cancelled")
        #expect(!board.cancel(99), "nor an unknown one")
        #expect(board.jobs.map(\.isRunning) == [false, true])
    }

    @Test func progressIsKeptPerJobAndOldFinishedJobsMakeRoomButRunningOnesStay() {
        let board = WarmJobBoard(finishedKept: 2)
        let running = board.start("running").id
        var counts = WarmCounts()
        counts.scanned = 7
        board.update(running, WarmProgress(counts: counts, elapsedSeconds: 1, expectedKeys: 10))
        for index in 1...4 { board.finish(board.start("done \(index)").id, Self.report(.complete)) }
        #expect(board.jobs.map(\.title) == ["running", "done 3", "done 4"])
        #expect(board.jobs[0].progress?.counts.scanned == 7 && board.jobs[0].progress?.fraction == 0.7)
    }
}
