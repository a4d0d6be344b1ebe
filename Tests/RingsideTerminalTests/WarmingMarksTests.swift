import Foundation
import RingsideCore
import RingsideEngine
import Testing
@testable import RingsideTerminal

/// A warm's reads count as hits on the node it reads: the detail screen marks those polls under the hit-ratio
/// chart, and the console says when a warm starts and stops reading a node.
@Suite struct WarmingMarksTests {
    let at = FleetFixture.at

    func detail(_ node: String, reads: [WarmingRead]) -> Canvas {
        var state = ConsoleState()
        state.screen = .nodeDetail(node)
        var context = RenderContext(glyphs: .unicode, clock: "12:00:00", fleetHitRatios: [])
        context.warmingReads = reads
        return ConsoleView.render(FleetFixture.snapshot, state: state, context: context, width: 80, height: 24)
    }

    func markRow(_ frame: Canvas) -> Int? {
        frame.text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("warm reads") }
    }

    @Test func thePollsAWarmReadAreMarkedUnderTheHitRatioChart() throws {
        let ended = WarmingRead(job: "warm mc-4 from mc-1 (clone)", node: "mc-1", since: at.addingTimeInterval(-10), until: at.addingTimeInterval(-5))
        let frame = detail("mc-1", reads: [ended])
        let row = try #require(markRow(frame), "\(frame.text)")
        let lines = frame.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[row - 1].contains("hit ratio"), "right under the hit-ratio chart")
        let marked = (23..<80).filter { frame[$0, row].character == "w" }
        // One point per 1 s poll, one column per point: the polls 10 to 5 s before the snapshot.
        #expect((5...7).contains(marked.count), "\(marked)")
        #expect(marked.allSatisfy { frame[$0, row].slot == .warn })
        #expect(!lines[row].contains("now"), "the warm is over")
        let last = try #require((23..<80).last { frame[$0, row - 1].character != " " })
        #expect(marked.max()! < last, "the newest polls are not marked")

        let running = WarmingRead(job: "warm mc-4 from mc-1 (clone)", node: "mc-1", since: at.addingTimeInterval(-3), until: nil)
        let now = detail("mc-1", reads: [running])
        let nowRow = try #require(markRow(now))
        #expect(now.text.split(separator: "\n", omittingEmptySubsequences: false)[nowRow].contains("now"))
        #expect(now[last, nowRow].character == "w", "the newest poll is marked while it reads")
    }

    @Test func aNodeNoWarmReadHasNoMarkRow() {
        let read = WarmingRead(job: "warm mc-4 from mc-1 (clone)", node: "mc-1", since: at.addingTimeInterval(-10), until: nil)
        #expect(markRow(detail("mc-2", reads: [read])) == nil)
        let longAgo = WarmingRead(job: "old", node: "mc-2", since: at.addingTimeInterval(-7200), until: at.addingTimeInterval(-7000))
        #expect(markRow(detail("mc-2", reads: [longAgo])) == nil, "outside the chart's window")
    }

    @Test func theConsoleSaysWhenAWarmStartsAndStopsReadingANode() {
        var watch = WarmingWatch()
        let since = at.addingTimeInterval(-3)
        let running = WarmingRead(job: "warm mc-4 from mc-1 (clone)", node: "mc-1", since: since, until: nil)
        #expect(watch.update([running]).map(\.message) == ["mc-1 is read by 'warm mc-4 from mc-1 (clone)': its hit ratio counts those reads"])
        #expect(watch.update([running]).isEmpty, "said once")
        var finished = running
        finished.until = at
        #expect(watch.update([finished]).map(\.message) == ["'warm mc-4 from mc-1 (clone)' no longer reads mc-1"])
        #expect(watch.reads == [finished])
        let first = watch.due(now: at), soon = watch.due(now: at.addingTimeInterval(1))
        #expect(first && !soon)
        let unanswered = watch.due(now: at.addingTimeInterval(5))
        #expect(!unanswered, "not again while the answer has not come")
        _ = watch.update([finished])
        let answered = watch.due(now: at.addingTimeInterval(5))
        #expect(answered)
    }
}
