import Foundation
import Load
import WarehouseCore

/// The seeds' questions, answered from history: `warehouse report KIND --period ...`.
public enum ReportKind: String, CaseIterable, Sendable {
    case credits, storage, budgets, org, trend, anomalies, forecast
}

/// A report: named sections, each a table of text cells (decimals exact, nil shown empty).
public struct Report: Equatable, Sendable {
    public struct Section: Equatable, Sendable {
        public var name: String
        public var title: String
        public var columns: [String]
        /// Columns printed right-aligned (numbers).
        public var numeric: Set<Int>
        public var rows: [[String?]]
    }

    public var kind: ReportKind
    public var period: ReportPeriod
    public var sections: [Section]
    /// Series drawn in the HTML output (anomalies: each flagged series).
    public var sparklines: [Sparkline] = []

    public func section(_ name: String) -> Section? { sections.first { $0.name == name } }
}

/// `YYYY-MM` or `YYYY-MM..YYYY-MM` (inclusive): whole UTC calendar months.
public struct ReportPeriod: Equatable, Sendable, CustomStringConvertible {
    public var first: String
    public var last: String

    public struct Invalid: Error, CustomStringConvertible {
        public let text: String
        public var description: String { "invalid period \"\(text)\": expected YYYY-MM or YYYY-MM..YYYY-MM (first month not after the last)" }
    }

    public init(parsing text: String) throws {
        let parts = text.components(separatedBy: "..")
        guard parts.count <= 2, let first = parts.first, let start = UTCTime.parseMonth(first),
            let end = UTCTime.parseMonth(parts.last ?? first), start <= end
        else { throw Invalid(text: text) }
        self.first = first
        self.last = parts.last ?? first
        _ = end
    }

    public var description: String { first == last ? first : "\(first)..\(last)" }

    /// The months of the range, in order.
    public var months: [String] {
        guard var month = UTCTime.parseMonth(first), let end = UTCTime.parseMonth(last) else { return [] }
        var result: [String] = []
        while month <= end {
            result.append(month.month)
            month = month.startOfNextMonth
        }
        return result
    }

    /// The first instant of the range and the first instant after it, as warehouse text.
    public var bounds: (start: String, end: String) {
        let start = UTCTime.parseMonth(first) ?? UTCTime(seconds: 0)
        let end = (UTCTime.parseMonth(last) ?? start).startOfNextMonth
        return (start.iso8601, end.iso8601)
    }
}

/// Builds reports from a warehouse.
public struct ReportBuilder {
    let db: any WarehouseReader
    /// Anomalies: k × 100 of the band (500: 5 σ) and the smallest deviation per measure, in micro-units.
    public var anomalyK100: Int64 = 500
    public var anomalyMinimum: [String: Int64] = [:]
    /// Forecast: budgets per cost center (the `alerts:` configuration) and their currency.
    public var budgets: [String: Decimal] = [:]
    public var budgetCurrency: String?

    public init(db: any WarehouseReader) { self.db = db }

    public func build(_ kind: ReportKind, period: ReportPeriod, grouping: InvoiceGrouping = .costCenter) throws -> Report {
        var sections: [Report.Section]
        var sparklines: [Sparkline] = []
        switch kind {
        case .credits: sections = try credits(period)
        case .storage: sections = try storage(period)
        case .budgets: sections = try budgets(period)
        case .org: sections = try orgCredits(period)
        case .trend: sections = try trend(period, grouping: grouping)
        case .anomalies: (sections, sparklines) = try anomalies(period, grouping: grouping)
        case .forecast: sections = try forecast(period, grouping: grouping)
        }
        var report = Report(kind: kind, period: period, sections: sections)
        report.sparklines = sparklines
        return report
    }

    /// `part / whole` as a percentage with one decimal, or nil when `whole` is zero.
    static func percent(_ part: Decimal, of whole: Decimal) -> String? {
        guard !whole.isZero else { return nil }
        return ExactDecimal.format(ExactDecimal.rounded(part / whole * 100, scale: 1))
    }

    /// Credits as printed in reports: three decimals, exact rounding.
    static func credits(_ value: Decimal) -> String { DecimalText.rounded(value, scale: 3) }
}
