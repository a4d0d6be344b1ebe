import RingsideCore
import Testing
@testable import RingsideEngine

struct WarmThenShiftTests {
    func report(_ target: String, _ outcome: WarmOutcome = .complete, copied: Int, present: Int = 0, tooBig: Int = 0, failed: Int = 0, expired: Int = 0) -> WarmReport {
        var counts = WarmCounts()
        (counts.copied, counts.alreadyPresent, counts.tooBig, counts.failed, counts.expired) = (copied, present, tooBig, failed, expired)
        return WarmReport(
            kind: .ring, target: target, sources: ["mc-2"], ring: "r", dryRun: false, outcome: outcome, error: outcome == .complete ? nil : "mc-2: connection refused",
            counts: counts, durationSeconds: 1, problems: [], verification: nil)
    }

    @Test func coverageCountsWhatTheNewOwnersHoldOfTheLiveMovingKeys() {
        let coverage = WarmCoverage([report("mc-1", copied: 90, present: 5, tooBig: 3, expired: 40), report("mc-3", copied: 0, failed: 2)])
        #expect(coverage == WarmCoverage(moving: 100, warmed: 95))
        #expect(coverage.fraction == 0.95 && WarmCoverage(moving: 0, warmed: 0).fraction == 1)
        #expect(["95%", "0.95", "95"].map(WarmCoverage.parseShare) == [0.95, 0.95, 0.95])
        #expect(["150%", "-1", "x", "nan"].allSatisfy { WarmCoverage.parseShare($0) == nil })
    }

    @Test func theShiftWaitsForEveryWarmToCompleteAndForTheCoverageAskedFor() {
        let full = [report("mc-1", copied: 95, tooBig: 5)]
        #expect(WarmThenShift.holdBack(full, planned: 1, minimumCoverage: 0.95) == nil)
        #expect(WarmThenShift.holdBack(full, planned: 1, minimumCoverage: 0.96) == "the new owners hold 95.0% of the 100 moving keys, below --min-coverage 96.0%")
        let close = [report("mc-1", copied: 9_499, tooBig: 501)]
        #expect(WarmThenShift.holdBack(close, planned: 1, minimumCoverage: 0.95) == "the new owners hold 94.99% of the 10000 moving keys, below --min-coverage 95.0%")
        #expect(WarmThenShift.holdBack(full, planned: 2, minimumCoverage: nil) == "1 of 2 warms did not run")
        #expect(WarmThenShift.holdBack([report("mc-1", .failed, copied: 10)], planned: 2, minimumCoverage: nil) == "the warm of mc-1 ended failed: mc-2: connection refused")
    }
}
