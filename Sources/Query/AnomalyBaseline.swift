import WarehouseCore

/// The baseline of one day of one series, in integers (micro-units of a currency, or
/// micro-credits), so the same warehouse always gives the same answer and `scripts/check_anomalies.py`
/// recomputes it exactly.
///
/// Method: a **seasonal median with a robust band**.
/// - The window is the 28 days before the day (four of each weekday), from the series' start on
///   (at least 14 days).
/// - Expected value: the median of the window's values on the same weekday (the seasonal naïve
///   forecast of Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2,
///   with a median in place of the last value, so one odd week does not move it), which respects
///   the weekly cycle.
/// - Residuals: each window day's value minus its weekday's median.
/// - Spread σ: the largest of three estimates of the residuals' standard deviation, each exact
///   for normal residuals and robust to the spikes it must not learn from:
///   1.4826 × the median absolute residual (the MAD; Hampel 1974, Rousseeuw & Croux 1993,
///   Leys et al. 2013, "Detecting outliers: do not use standard deviation around the mean"),
///   the 90th percentile of the absolute residuals ÷ 1.6449 (when most days sit exactly on the
///   median the MAD is 0; this one still sees the other tenth), and, for a sporadic series (zero on
///   more than half the window's days: a user who geocodes now and then), the largest absolute
///   residual ÷ 3, so a day must beat the largest deviation of the last four weeks by k/3. A series
///   in use every day does not take that third estimate: one spike does not blind it for four
///   weeks. σ is at least one micro-unit.
/// - A day is outside the band when |actual − expected| > k × σ (k = 5 unless asked otherwise)
///   and |actual − expected| is at least the minimum amount.
/// Medians of an even count are the floor of the mean of the two middle values; the 90th
/// percentile is element ⌊9(n − 1)/10⌋ of the sorted residuals; every division floors.
public struct AnomalyBaseline: Equatable, Sendable {
    public var expected: Int64
    public var sigma: Int64

    public static let window = 28
    public static let minimumHistory = 14

    /// The baseline of `day` from `history`: (day number, value) pairs of the window, in any order.
    ///
    /// Residuals and σ are worked in 128 bits: a series of a billion dollars a day is 10^15
    /// micro-units, whose MAD × 14,826 passes Int64 (issue 17). σ is kept in Int64, clamped.
    public init(history: [(day: Int64, value: Int64)], day: Int64) {
        var byWeekday: [Int64: [Int64]] = [:]
        for point in history { byWeekday[Self.weekday(point.day), default: []].append(point.value) }
        let medians = byWeekday.mapValues(Self.median)
        let residuals = history.map { (Int128($0.value) - Int128(medians[Self.weekday($0.day)] ?? 0)).magnitude }.sorted()
        let count = residuals.count
        let mad = count == 0 ? 0 : Self.median(residuals)
        let p90 = count == 0 ? 0 : residuals[9 * (count - 1) / 10]
        let sporadic = 2 * history.count { $0.value == 0 } > count
        let largest = sporadic ? residuals.last ?? 0 : 0
        expected = medians[Self.weekday(day)] ?? 0
        sigma = Int64(clamping: max(mad * 14_826 / 10_000, p90 * 10_000 / 16_449, largest / 3, 1))
    }

    /// The weekday of a day number (days since 1970-01-01, a Thursday), 0...6.
    static func weekday(_ day: Int64) -> Int64 { ((day % 7) + 7) % 7 }

    /// The median; of an even count, the floor of the mean of the two middle values.
    static func median(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let n = sorted.count
        if n % 2 == 1 { return sorted[n / 2] }
        // ⌊(a + b) / 2⌋ without forming a + b, which may pass Int64: shifts floor.
        let (a, b) = (sorted[n / 2 - 1], sorted[n / 2])
        return (a >> 1) + (b >> 1) + (a & b & 1)
    }

    /// The median of magnitudes (residuals), by the same rule.
    static func median(_ sorted: [UInt128]) -> UInt128 {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// `actual − expected`, exactly (it may pass Int64 when the two have opposite signs).
    func difference(_ actual: Int64) -> Int128 { Int128(actual) - Int128(expected) }

    /// Whether `actual` is outside the band: beyond `k100`/100 × σ and at least `minimum` away.
    public func isOutside(_ actual: Int64, k100: Int64, minimum: Int64) -> Bool {
        let deviation = difference(actual).magnitude
        return deviation >= UInt128(minimum.magnitude) && deviation * 100 > UInt128(k100.magnitude) * UInt128(sigma)
    }

    /// How many times `first` doubles before it passes `peak`: how far an incident whose first
    /// day deviated by `first` has grown (0 while its largest deviation is under twice the first's).
    public static func doublings(of first: Int64, to peak: Int64) -> Int {
        guard first > 0 else { return 0 }
        var count = 0
        while count < 62 {
            let (next, overflow) = first.multipliedReportingOverflow(by: Int64(1) << (count + 1))
            guard !overflow, peak >= next else { break }
            count += 1
        }
        return count
    }

    /// The deviation in units of σ, to one decimal, truncated toward zero: `12.3`.
    public func score(_ actual: Int64) -> String {
        let tenths = difference(actual) * 10 / Int128(sigma)
        return (tenths < 0 ? "-" : "") + "\(tenths.magnitude / 10).\(tenths.magnitude % 10)"
    }
}
