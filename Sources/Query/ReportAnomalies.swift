import Foundation
import Load
import WarehouseCore

/// A small line chart of one series over the reported days, drawn inline in the HTML report.
public struct Sparkline: Equatable, Sendable {
    public var title: String
    /// Micro-units, one per day.
    public var values: [Int64]
    /// Indexes of the flagged days.
    public var marked: [Int]
}

/// The history is too short to say what is unusual: one line, instead of a report of nothing.
public struct NotEnoughHistory: Error, CustomStringConvertible, Sendable {
    public let period: String
    public let span: String?
    public var description: String {
        let have = span.map { "usage from \($0)" } ?? "no usage up to the end of the period"
        return "report anomalies \(period): the warehouse has \(have); a day needs \(AnomalyBaseline.minimumHistory) days of history before it to be judged"
    }
}

extension ReportBuilder {
    /// `warehouse report anomalies`: the days outside their series' band, new and vanished series.
    func anomalies(_ period: ReportPeriod, grouping: InvoiceGrouping) throws -> (sections: [Report.Section], sparklines: [Sparkline]) {
        let request = AnomalyRequest(period: period, grouping: grouping, k100: anomalyK100, minimum: anomalyMinimum)
        let result = try AnomalyDetector(db: db).detect(request)
        guard result.scoredDays > 0 else {
            let first = result.span.values.map(\.lowerBound).min(), last = result.span.values.map(\.upperBound).max()
            throw NotEnoughHistory(period: period.description, span: first.flatMap { f in last.map { "\(Self.day(f)) to \(Self.day($0))" } })
        }
        let flags = result.flags.map { flag -> [String?] in
            let money = { (micros: Int64) in Self.amount(micros, measure: flag.measure) }
            let band = flag.baseline.sigma * anomalyK100 / 100
            return [
                Self.groupName(flag.group), flag.measure, Self.day(flag.day), money(flag.baseline.expected), money(flag.actual),
                money(flag.deviation), flag.baseline.score(flag.actual), money(max(0, flag.baseline.expected - band)),
                money(flag.baseline.expected + band),
                flag.drivers.map { "\($0.label) \($0.change >= 0 ? "+" : "")\(money($0.change))" }.joined(separator: "; "),
            ]
        }
        let changes = { (list: [SeriesChange]) in
            list.map { [Self.groupName($0.group), $0.measure, Self.day($0.day), Self.amount($0.amount, measure: $0.measure)] }
        }
        let summary = result.span.keys.sorted().map { measure -> [String?] in
            let span = result.span[measure]!
            let flagged = result.flags.filter { $0.measure == measure }
            return [measure, Self.day(span.lowerBound), Self.day(span.upperBound), String(flagged.count),
                    String(Set(flagged.map(\.group)).count)]
        }
        let sections = [
            Report.Section(
                name: "anomalies", title: "Days outside the band, by \(grouping.rawValue), \(period) (k = \(Self.k(anomalyK100)), \(result.scoredDays) series-days judged)",
                columns: ["group", "measure", "day", "expected", "actual", "deviation", "score", "band_low", "band_high", "drivers"],
                numeric: [3, 4, 5, 6, 7, 8], rows: flags),
            Report.Section(name: "new_series", title: "New series (no usage in the 28 days before)", columns: ["group", "measure", "first_day", "amount"], numeric: [3], rows: changes(result.newSeries)),
            Report.Section(name: "vanished_series", title: "Vanished series (no usage in the last 14 days of data)", columns: ["group", "measure", "since", "daily_average_before"], numeric: [3], rows: changes(result.vanishedSeries)),
            Report.Section(name: "summary", title: "Data read", columns: ["measure", "first_day_read", "last_day", "flagged_days", "flagged_series"], numeric: [3, 4], rows: summary),
        ]
        return (sections, Self.sparklines(result, period: request))
    }

    static func sparklines(_ result: AnomalyResult, period: AnomalyRequest) -> [Sparkline] {
        var out: [Sparkline] = []
        for measure in result.values.keys.sorted() {
            for (group, values) in result.values[measure]!.sorted(by: { $0.key < $1.key }) {
                let marked = result.flags.filter { $0.measure == measure && $0.group == group }.map { Int($0.day - period.firstDay) }
                out.append(Sparkline(title: "\(groupName(group)) (\(measure))", values: values, marked: marked))
            }
        }
        return out
    }

    static func groupName(_ key: String) -> String { key.isEmpty ? "Unassigned" : key }

    static func day(_ number: Int64) -> String { UTCTime(seconds: number * 86_400).day }

    /// Money with 2 decimals, credits with 3, half away from zero.
    static func amount(_ micros: Int64, measure: String) -> String { Micros.format(micros, places: measure == "credits" ? 3 : 2) }

    static func k(_ k100: Int64) -> String { ExactDecimal.format(Decimal(k100) / 100) }
}
