import Foundation
import Load
import WarehouseCore

/// `report forecast` asks for a single month, or the month has no usage at all: one clear line.
public struct ForecastUnavailable: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { "report forecast: \(message)" }
}

extension ReportBuilder {
    /// `warehouse report forecast --period YYYY-MM`: per group and measure, the month so far (up to
    /// the last day with usage of that measure), plus the seasonal baseline of every remaining day
    /// (`AnomalyBaseline`'s expected value, from the 28 days up to the last day with usage), with a
    /// range of one σ per remaining day either way (never below the month so far), and the budget
    /// of the `alerts:` configuration beside a cost center's figures where one is set.
    func forecast(_ period: ReportPeriod, grouping: InvoiceGrouping) throws -> [Report.Section] {
        guard period.first == period.last else { throw ForecastUnavailable(message: "--period must be one month (YYYY-MM), not \(period)") }
        let request = AnomalyRequest(period: period, grouping: grouping)
        let window = Int64(AnomalyBaseline.window)
        let set = try AnomalySeriesSet.load(db, grouping: grouping, first: request.firstDay - window, last: request.lastDay)
        var rows: [(measure: String, forecast: Int64, row: [String?])] = []
        for key in set.series.keys.sorted() {
            guard let span = set.span[key.measure], span.upperBound >= request.firstDay, let series = set.series[key] else { continue }
            let asOf = min(span.upperBound, request.lastDay)
            let soFar = try Int64.sum((request.firstDay...asOf).map { series.values[$0] ?? 0 }, summing: "the forecast of \(key.group)")
            let history = (max(span.lowerBound, asOf + 1 - window)...asOf).map { (day: $0, value: series.values[$0] ?? 0) }
            // In 128 bits, then checked: σ of a huge series plus its expected value may pass Int64.
            var sums = (expected: Int128(soFar), low: Int128(soFar), high: Int128(soFar))
            if asOf < request.lastDay {
                for day in (asOf + 1)...request.lastDay {
                    let baseline = AnomalyBaseline(history: history, day: day)
                    sums.expected += Int128(baseline.expected)
                    sums.low += max(0, Int128(baseline.expected) - Int128(baseline.sigma))
                    sums.high += Int128(baseline.expected) + Int128(baseline.sigma)
                }
            }
            guard let expected = Int64(exactly: sums.expected), let low = Int64(exactly: sums.low), let high = Int64(exactly: sums.high) else {
                throw SumOverflow(what: "the forecast of \(key.group)")
            }
            let money = { (micros: Int64) in Self.amount(micros, measure: key.measure) }
            let budget = budgetFor(key, grouping: grouping)
            let share = budget.flatMap { budget in Self.percent(Micros.decimal(expected), of: budget) }
            rows.append((key.measure, expected, [
                Self.groupName(key.group), key.measure, Self.day(asOf), money(soFar), money(expected), money(min(low, expected)),
                money(max(high, expected)), budget.map { money(Micros.from($0) ?? 0) }, share,
            ]))
        }
        guard !rows.isEmpty else { throw ForecastUnavailable(message: "no usage in \(period) to forecast from") }
        rows.sort { a, b in a.measure != b.measure ? a.measure < b.measure : a.forecast != b.forecast ? a.forecast > b.forecast : (a.row[0] ?? "") < (b.row[0] ?? "") }
        return [Report.Section(
            name: "forecast", title: "Month-end forecast by \(grouping.rawValue), \(period)",
            columns: ["group", "measure", "data_through", "month_to_date", "forecast", "low", "high", "budget", "forecast_percent_of_budget"],
            numeric: [3, 4, 5, 6, 7, 8], rows: rows.map(\.row))]
    }

    /// The configured budget of a cost center (matched case-insensitively), in the budgets' currency.
    func budgetFor(_ key: AnomalySeriesSet.Key, grouping: InvoiceGrouping) -> Decimal? {
        guard grouping == .costCenter, key.measure == budgetCurrency else { return nil }
        return budgets.first { $0.key.caseInsensitiveCompare(key.group) == .orderedSame }?.value
    }
}
