import Foundation
import Load
import WarehouseCore

/// What to look for: the days to report on, how series are grouped, and how far out a day must be.
public struct AnomalyRequest: Sendable {
    /// First and last reported day, as days since 1970.
    public var firstDay: Int64
    public var lastDay: Int64
    public var grouping: InvoiceGrouping
    /// k × 100: a day is outside the band beyond k σ (500: k = 5).
    public var k100: Int64
    /// The smallest deviation reported, per measure (`USD`, `credits`) in micro-units; `*` for any
    /// other measure; default 0.
    public var minimum: [String: Int64]

    public init(firstDay: Int64, lastDay: Int64, grouping: InvoiceGrouping = .costCenter, k100: Int64 = 500, minimum: [String: Int64] = [:]) {
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.grouping = grouping
        self.k100 = k100
        self.minimum = minimum
    }

    /// The days of `period`.
    public init(period: ReportPeriod, grouping: InvoiceGrouping = .costCenter, k100: Int64 = 500, minimum: [String: Int64] = [:]) {
        let bounds = period.bounds
        let first = (UTCTime.parse(bounds.start)?.seconds ?? 0) / 86_400, end = (UTCTime.parse(bounds.end)?.seconds ?? 0) / 86_400
        self.init(firstDay: first, lastDay: end - 1, grouping: grouping, k100: k100, minimum: minimum)
    }
}

/// One day outside its series' band.
public struct AnomalyFlag: Equatable, Sendable {
    public var measure: String
    public var group: String
    public var day: Int64
    public var actual: Int64
    public var baseline: AnomalyBaseline
    /// The usage that moved most against its own daily average over the window, largest first.
    public var drivers: [(label: String, change: Int64)]

    /// `actual − expected`, clamped to Int64 (only a series past ±4.6 trillion a day could pass it).
    public var deviation: Int64 { Int64(clamping: baseline.difference(actual)) }

    public static func == (a: AnomalyFlag, b: AnomalyFlag) -> Bool {
        (a.measure, a.group, a.day, a.actual) == (b.measure, b.group, b.day, b.actual) && a.baseline == b.baseline
            && a.drivers.map(\.label) == b.drivers.map(\.label) && a.drivers.map(\.change) == b.drivers.map(\.change)
    }
}

/// A series that began, or stopped, within the reported days: reported as such, never scored as outliers.
public struct SeriesChange: Equatable, Sendable {
    public var measure: String
    public var group: String
    /// The first day with usage (new), or the first day without any after the last (vanished).
    public var day: Int64
    /// Its first day's amount (new), or its daily average over the window before it stopped (vanished).
    public var amount: Int64
}

/// What the detector found over the reported days.
public struct AnomalyResult: Sendable {
    public var flags: [AnomalyFlag] = []
    public var newSeries: [SeriesChange] = []
    public var vanishedSeries: [SeriesChange] = []
    /// Series-days scored (a series' days with a full enough window, before it vanished).
    public var scoredDays = 0
    /// Per measure, the first and last day with any usage in what was read.
    public var span: [String: ClosedRange<Int64>] = [:]
    /// Each flagged series' values over the reported days up to its measure's last day with data
    /// (for sparklines), by measure and group.
    public var values: [String: [String: [Int64]]] = [:]
}

/// Finds the days outside their series' band (`AnomalyBaseline`) in the reported days.
///
/// A series is **new** when its first day with usage is at least a full window (28 days) after
/// the first day of its measure in the warehouse; its days are scored from 14 days after it began.
/// It has **vanished** when it has had no usage in the last 14 days of its measure's data; its days
/// after its last are not scored. Other series count from the first day of their measure (a day
/// without usage is a 0), from the 14th day of history on. A drop is not flagged in the last
/// `settlingDays` days of a measure's data: Azure reports usage up to three days late
/// (docs/contracts/reported-windows.md), so those days are still filling up.
public struct AnomalyDetector {
    let db: any WarehouseReader
    public static let settlingDays: Int64 = 3

    public init(db: any WarehouseReader) { self.db = db }

    public func detect(_ request: AnomalyRequest) throws -> AnomalyResult {
        let window = Int64(AnomalyBaseline.window)
        let set = try AnomalySeriesSet.load(db, grouping: request.grouping, first: request.firstDay - window, last: request.lastDay)
        var result = AnomalyResult()
        result.span = set.span
        for key in set.series.keys.sorted() {
            guard let series = set.series[key], let span = set.span[key.measure] else { continue }
            scan(key, series, span: span, request: request, into: &result)
        }
        return result
    }

    func scan(_ key: AnomalySeriesSet.Key, _ series: AnomalySeriesSet.Series, span: ClosedRange<Int64>, request: AnomalyRequest, into result: inout AnomalyResult) {
        let active = series.values.filter { $0.value != 0 }.keys
        guard let first = active.min(), let last = active.max() else { return }
        let window = Int64(AnomalyBaseline.window), quiet = Int64(14)
        let isNew = first >= span.lowerBound + window, vanished = last <= span.upperBound - quiet
        let start = isNew ? first : span.lowerBound
        let reported = request.firstDay...request.lastDay
        if isNew, reported.contains(first) {
            result.newSeries.append(SeriesChange(measure: key.measure, group: key.group, day: first, amount: series.values[first] ?? 0))
        }
        if vanished, reported.contains(last + 1) {
            let days = max(start, last + 1 - window)...last
            // A mean of Int64 values is one; their sum, in 128 bits, need not be.
            let average = Int64(days.reduce(Int128(0)) { $0 + Int128(series.values[$1] ?? 0) } / Int128(days.count))
            result.vanishedSeries.append(SeriesChange(measure: key.measure, group: key.group, day: last + 1, amount: average))
        }
        let from = max(request.firstDay, start + Int64(AnomalyBaseline.minimumHistory))
        let to = min(request.lastDay, vanished ? last : span.upperBound)
        guard from <= to else { return }
        var flagged = false
        for day in from...to {
            let history = (max(start, day - window)..<day).map { (day: $0, value: series.values[$0] ?? 0) }
            let baseline = AnomalyBaseline(history: history, day: day)
            let actual = series.values[day] ?? 0
            result.scoredDays += 1
            guard baseline.isOutside(actual, k100: request.k100, minimum: request.minimum[key.measure] ?? request.minimum["*"] ?? 0),
                actual > baseline.expected || day < span.upperBound - Self.settlingDays
            else { continue }
            flagged = true
            let drivers = Self.drivers(series, day: day, window: history.map(\.day), rising: actual > baseline.expected)
            result.flags.append(AnomalyFlag(measure: key.measure, group: key.group, day: day, actual: actual, baseline: baseline, drivers: drivers))
        }
        if flagged {
            // Up to the measure's last day with data: a day not read yet is not a drop to zero.
            result.values[key.measure, default: [:]][key.group] = (request.firstDay...min(request.lastDay, span.upperBound)).map { series.values[$0] ?? 0 }
        }
    }

    /// The three drivers that moved most in the deviation's direction: the day's amount minus the
    /// driver's daily average over the window (floored), ties by name.
    static func drivers(_ series: AnomalySeriesSet.Series, day: Int64, window: [Int64], rising: Bool) -> [(label: String, change: Int64)] {
        var totals: [String: Int128] = [:]  // 128 bits: 28 days of a driver may sum past Int64
        for past in window { for (label, value) in series.drivers[past] ?? [:] { totals[label, default: 0] += Int128(value) } }
        var labels = Set(totals.keys)
        labels.formUnion((series.drivers[day] ?? [:]).keys)
        let count = Int128(max(window.count, 1))
        let changes = labels.map { label -> (label: String, change: Int64) in
            let total = totals[label] ?? 0
            let average = total >= 0 || total % count == 0 ? total / count : total / count - 1
            return (label, Int64(clamping: Int128(series.drivers[day]?[label] ?? 0) - average))
        }
        return changes.filter { rising ? $0.change > 0 : $0.change < 0 }
            .sorted { a, b in a.change != b.change ? (rising ? a.change > b.change : a.change < b.change) : a.label < b.label }
            .prefix(3).map { $0 }
    }
}
