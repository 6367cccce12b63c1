import Foundation
import Query
import Testing

/// The arithmetic of `AnomalyBaseline`: exact integers, the weekly cycle, sporadic series.
@Suite struct AnomalyBaselineTests {
    /// 28 days ending the day before `day`, valued by `value(weekday)` (day numbers since 1970; day 0 a Thursday).
    static func history(before day: Int64, _ value: (Int64) -> Int64) -> [(day: Int64, value: Int64)] {
        (day - 28..<day).map { ($0, value($0 % 7)) }
    }

    /// Weekends (day % 7 == 2, 3: Saturday, Sunday) cost 20, weekdays 100: both are expected, neither flagged.
    @Test(arguments: [(Int64(20_001), true), (20_002, true), (20_003, false), (20_005, false)])
    func theWeeklyCycleIsExpected(day: Int64, weekend: Bool) {
        let cycle = { (weekday: Int64) -> Int64 in weekday == 2 || weekday == 3 ? 20_000_000 : 100_000_000 }
        let baseline = AnomalyBaseline(history: Self.history(before: day, cycle), day: day)
        #expect(baseline.expected == cycle(day % 7))
        #expect(!baseline.isOutside(cycle(day % 7), k100: 500, minimum: 0))
        // A weekday's cost on a weekend day (or a weekend's on a weekday) is outside: the cycle is learnt.
        let other = weekend ? 100_000_000 : Int64(20_000_000)
        #expect(baseline.isOutside(other, k100: 500, minimum: 0))
        // ... unless it is under the minimum amount.
        #expect(!baseline.isOutside(other, k100: 500, minimum: (other - baseline.expected).magnitude.advanced(by: 1).asInt64))
    }

    /// Noise of ±d around 100: σ follows the MAD; k σ is the edge of the band.
    @Test(arguments: [Int64(1_000_000), 3_000_000, 7_000_000])
    func theBandIsKTimesTheRobustSpread(noise: Int64) {
        let day: Int64 = 20_010
        let history = (day - 28..<day).map { ($0, 100_000_000 + ($0 % 2 == 0 ? noise : -noise)) }
        let baseline = AnomalyBaseline(history: history, day: day)
        #expect(baseline.sigma >= noise)
        let edge = baseline.expected + 5 * baseline.sigma
        #expect(!baseline.isOutside(edge, k100: 500, minimum: 0))
        #expect(baseline.isOutside(edge + 1, k100: 500, minimum: 0))
        #expect(baseline.score(edge) == "5.0")
    }

    /// A series idle on most days must beat its largest recent day by k/3 to be flagged.
    @Test(arguments: [(Int64(15_000_000), false), (17_000_000, true), (2_000_000_000, true)])
    func sporadicUseNeedsANewExtreme(actual: Int64, flagged: Bool) {
        let day: Int64 = 20_100
        let history = (day - 28..<day).map { ($0, $0 == day - 5 || $0 == day - 17 ? Int64(10_000_000) : 0) }
        let baseline = AnomalyBaseline(history: history, day: day)
        #expect(baseline.expected == 0)
        #expect(baseline.sigma == 10_000_000 / 3)
        #expect(baseline.isOutside(actual, k100: 500, minimum: 0) == flagged)
    }

    /// A series in use every day is not blinded by one spike in its window (only sporadic ones are).
    @Test func oneSpikeDoesNotHideTheNextInASteadySeries() {
        let day: Int64 = 20_300
        let history = (day - 28..<day).map { ($0, $0 == day - 3 ? Int64(1_000_000_000) : 100_000_000 + ($0 % 3) * 1_000_000) }
        let baseline = AnomalyBaseline(history: history, day: day)
        #expect(baseline.sigma < 10_000_000)
        #expect(baseline.isOutside(200_000_000, k100: 500, minimum: 0))
    }

    @Test(arguments: [
        (Int64(10), Int64(10), 0), (10, 19, 0), (10, 20, 1), (10, 45, 2), (10, 80, 3), (0, 100, 0), (Int64.max / 2, Int64.max, 1),
    ])
    func growthCountsDoublings(first: Int64, peak: Int64, doublings: Int) {
        #expect(AnomalyBaseline.doublings(of: first, to: peak) == doublings)
    }

    @Test func scoresAreTruncatedTenthsOfSigma() {
        let day: Int64 = 20_200
        let history = (day - 28..<day).map { ($0, Int64(100) + ($0 % 2 == 0 ? 10 : -10)) }
        let baseline = AnomalyBaseline(history: history, day: day)
        let sigma = baseline.sigma
        #expect(baseline.score(baseline.expected + sigma * 55 / 10) == "5.5")
        #expect(baseline.score(baseline.expected - sigma * 55 / 10) == "-5.5")
    }

    /// Series of a billion dollars a day and more (10^15 micro-units and up): σ is worked in 128
    /// bits, so the band is the same rule as for small series instead of a trap (issue 17).
    @Test(arguments: [(Int64(10_000_000_000_000_000), Int64(1_000_000_000_000_000)), (Int64.max / 4, Int64.max / 16)])
    func hugeSeriesKeepTheSameBand(level: Int64, noise: Int64) {
        let day: Int64 = 20_010
        let history = (day - 28..<day).map { ($0, level + ($0 % 2 == 0 ? noise : -noise)) }
        let baseline = AnomalyBaseline(history: history, day: day)
        #expect(baseline.sigma == Int64((Int128(noise) * 14_826 / 10_000)))
        let edge = baseline.expected + 5 * baseline.sigma
        #expect(!baseline.isOutside(edge, k100: 500, minimum: 0))
        #expect(baseline.isOutside(edge + 1, k100: 500, minimum: 0))
        #expect(baseline.score(edge) == "5.0")
    }

    /// The extremes of Int64 on both sides of the window: the median is the floor of the mean
    /// without forming the sum, σ is clamped to Int64, and scores and flags still come out.
    @Test func theExtremesOfInt64DoNotTrap() {
        let day: Int64 = 20_013  // the same weekday as day - 7, day - 14, day - 21, day - 28
        let high = (day - 28..<day).map { ($0, ($0 - day) % 7 == 0 ? ($0 % 2 == 0 ? Int64.max : Int64.max - 1) : 0) }
        #expect(AnomalyBaseline(history: high, day: day).expected == Int64.max - 1)
        let low = (day - 28..<day).map { ($0, ($0 - day) % 7 == 0 ? ($0 % 2 == 0 ? Int64.min : Int64.min + 3) : 0) }
        #expect(AnomalyBaseline(history: low, day: day).expected == Int64.min + 1)
        let wild = (day - 28..<day).map { ($0, $0 % 2 == 0 ? Int64.max : Int64.min) }
        let baseline = AnomalyBaseline(history: wild, day: day)
        #expect(baseline.sigma > 0 && baseline.sigma <= Int64.max)
        #expect(baseline.isOutside(Int64.max, k100: 0, minimum: 1) == (baseline.expected != Int64.max))
        #expect(!baseline.score(Int64.min).isEmpty)
        #expect(!baseline.score(Int64.max).isEmpty)
    }
}

extension UInt64 {
    var asInt64: Int64 { Int64(self) }
}
