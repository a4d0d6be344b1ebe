import Testing
@testable import RingsideCore

@Suite struct CacheIntervalTests {
    let start = ContinuousClock.now

    func sample(at seconds: Int, hits: UInt64, misses: UInt64, commands: UInt64 = 0, uptime: UInt64 = 100, instance: String = "a") -> CacheSample {
        CacheSample(
            takenAt: start + .seconds(seconds),
            counters: CacheCounters(hits: hits, misses: misses, gets: hits + misses, evictions: 5, commands: commands),
            identity: ProcessIdentity(uptimeSeconds: uptime + UInt64(seconds), instance: instance))
    }

    @Test func hitRatioIsDeltaHitsOverDeltaReads() {
        let outcome = CacheInterval.between(sample(at: 0, hits: 1000, misses: 500), sample(at: 2, hits: 1070, misses: 530))
        guard case let .interval(interval) = outcome else { Issue.record("expected an interval, got \(outcome)"); return }
        #expect(interval.hits == 70)
        #expect(interval.misses == 30)
        #expect(interval.hitRatio == 0.7)
        #expect(interval.getsPerSecond == 50)
        #expect(interval.evictionsPerSecond == 0)
        #expect(interval.seconds == 2)
    }

    @Test func noReadsMeansNoHitRatioNotZero() {
        guard case let .interval(interval) = CacheInterval.between(sample(at: 0, hits: 7, misses: 3), sample(at: 1, hits: 7, misses: 3)) else {
            Issue.record("expected an interval"); return
        }
        #expect(interval.hitRatio == nil)
    }

    @Test func counterGoingDownIsAReset() {
        let outcome = CacheInterval.between(sample(at: 0, hits: 1000, misses: 500), sample(at: 1, hits: 10, misses: 600))
        #expect(outcome == .reset(.counterWentDown(name: "hits", from: 1000, to: 10)))
    }

    @Test func uptimeGoingBackIsARestart() {
        let outcome = CacheInterval.between(sample(at: 0, hits: 1, misses: 1, uptime: 500), sample(at: 1, hits: 2, misses: 2, uptime: 3))
        #expect(outcome == .reset(.uptimeWentBack(from: 500, to: 4)))
    }

    @Test func newInstanceIsARestartEvenWithGrowingCounters() {
        let outcome = CacheInterval.between(sample(at: 0, hits: 1, misses: 1), sample(at: 1, hits: 2, misses: 2, instance: "b"))
        #expect(outcome == .reset(.instanceChanged(from: "a", to: "b")))
    }

    @Test func ownPollCommandsAreNotCountedAsTraffic() {
        var later = sample(at: 1, hits: 0, misses: 0, commands: 12)
        later.ownCommandsPerPoll = 2
        guard case let .interval(interval) = CacheInterval.between(sample(at: 0, hits: 0, misses: 0, commands: 10), later) else {
            Issue.record("expected an interval"); return
        }
        #expect(interval.opsPerSecond == 0)
    }

    @Test func poolHitRatioSumsDeltasInsteadOfAveragingPercentages() {
        // A busy node at 10% and a quiet one at 100%: the pool is at 10/100 + 10/10 → 20/110, not 55%.
        let busy = CacheInterval(seconds: 1, hits: 10, misses: 90)
        let quiet = CacheInterval(seconds: 1, hits: 10, misses: 0)
        let totals = IntervalTotals([busy, quiet])
        #expect(totals.hitRatio == 20.0 / 110.0)
        #expect(totals.contributingNodes == 2)
    }
}

@Suite struct HistoryAndPollingTests {
    @Test func seriesDropsTheOldestWhenFull() {
        var series = BoundedSeries<Double?>(capacity: 3)
        for value in [1.0, 2, nil, 4] { series.append(value) }
        #expect(Array(series.values) == [2, nil, 4])
    }

    @Test func defaultHistoryHoldsAnHourAtOneSecond() throws {
        var history = NodeHistory()
        for _ in 0..<4000 { history.record(interval: CacheInterval(seconds: 1, hits: 1, misses: 1), gauges: nil, latency: .milliseconds(1)) }
        #expect(history.points.values.count == 3600)
        #expect(history.latest?.hitRatio == 0.5)
        // Kept as Float: seven significant digits.
        #expect(abs(try #require(history.latest?.latencySeconds) - 0.001) < 1e-9)
        #expect(history.latest?.memoryFraction == nil)
    }

    @Test func backoffDoublesFromTheSecondFailureAndIsCapped() {
        let polling = PollSettings(interval: .seconds(1), timeout: .seconds(1), maxBackoff: .seconds(10))
        #expect(polling.delay(afterConsecutiveFailures: 0) == .seconds(1))
        #expect(polling.delay(afterConsecutiveFailures: 1) == .seconds(1))
        #expect(polling.delay(afterConsecutiveFailures: 2) == .seconds(2))
        #expect(polling.delay(afterConsecutiveFailures: 4) == .seconds(8))
        #expect(polling.delay(afterConsecutiveFailures: 60) == .seconds(10))
    }

    /// A node that comes back is seen within seconds, not the half minute the old default allowed.
    @Test func theDefaultBackoffRetriesAFailingEndpointAtLeastEveryThreeSeconds() {
        #expect(PollSettings().delay(afterConsecutiveFailures: 60) == .seconds(3))
        #expect(PollSettings(interval: .milliseconds(300)).delay(afterConsecutiveFailures: 4) == .milliseconds(2400))
        #expect(PollSettings(interval: .seconds(10)).delay(afterConsecutiveFailures: 60) == .seconds(10), "never below the interval")
    }

    @Test func gaugesGiveMemoryFractionOnlyWithALimit() {
        #expect(CacheGauges(memoryUsedBytes: 50, memoryLimitBytes: 200).memoryFraction == 0.25)
        #expect(CacheGauges(memoryUsedBytes: 50, memoryLimitBytes: nil).memoryFraction == nil)
    }
}

@Suite struct ChartWindowTests {
    @Test func bucketsEndWithTheNewestValues() {
        #expect(ChartWindow.means([1, 2, 3, 4, 5, 6], columns: 3) == [1.5, 3.5, 5.5])
        #expect(ChartWindow.means([1, nil, nil, 4], columns: 2) == [1, 4])
        #expect(ChartWindow.means([nil, nil], columns: 1) == [nil])
        #expect(ChartWindow.means([7], columns: 5) == [7])
        #expect(ChartWindow.means([Double?](), columns: 5) == [])
    }

    @Test func hitRatioBucketsWeighByReadsNotByInterval() {
        // A busy second at 10% and a quiet one at 100%: together 20/110, not the 55% a mean would show.
        let ratios: [Double?] = [0.1, 1.0], reads: [Double?] = [100, 10]
        #expect(ChartWindow.hitRatios(ratios, reads: reads, columns: 1) == [20.0 / 110.0])
        #expect(ChartWindow.hitRatios(ratios, reads: reads, columns: 2) == [0.1, 1.0])
        #expect(ChartWindow.hitRatios([nil, nil], reads: [nil, nil], columns: 1) == [nil])
    }
}
