import Foundation
import Load
import WarehouseCore

/// Daily series read from the public view `invoice_lines` (one row per usage row and its charge):
/// per measure (the currency of priced Azure cost, or `credits` for ArcGIS Online usage) and group
/// key, each day's total in micro-units, and per day the contributions of each driver (meter and
/// resource, or service type and user). Money is the exact sum of `amount_micros`; credits are the
/// exact sum of the quantities, rounded half away from zero to a micro-credit.
struct AnomalySeriesSet {
    struct Key: Hashable, Comparable {
        var measure: String
        var group: String
        static func < (a: Key, b: Key) -> Bool { (a.measure, a.group) < (b.measure, b.group) }
    }

    struct Series {
        var values: [Int64: Int64] = [:]
        var drivers: [Int64: [String: Int64]] = [:]
    }

    var series: [Key: Series] = [:]
    /// Per measure, the first and last day (days since 1970) with any row.
    var span: [String: ClosedRange<Int64>] = [:]

    /// The series of `grouping` over the days `[first, last]` (days since 1970).
    static func load(_ db: any WarehouseReader, grouping: InvoiceGrouping, first: Int64, last: Int64) throws -> AnomalySeriesSet {
        let sql = """
            SELECT CASE WHEN unit = 'credits' THEN 'credits' ELSE currency END, \(groupExpression(grouping)),
                   substr(usage_start, 1, 10), COALESCE(meter_name, meter_id, '') || \(db.dialect.character(31)) || COALESCE(resource_id, ''),
                   unit = 'credits', sum(amount_micros), \(db.dialect.joined("quantity", separator: " "))
            FROM invoice_lines
            WHERE usage_start >= ?1 AND usage_start < ?2 AND (unit = 'credits' OR amount_micros IS NOT NULL)
            GROUP BY 1, 2, 3, 4, 5
            """
        let bounds: [SQLValue] = [.text(UTCTime(seconds: first * 86_400).iso8601), .text(UTCTime(seconds: (last + 1) * 86_400).iso8601)]
        var set = AnomalySeriesSet()
        var exact: [Key: [Int64: [String: Decimal]]] = [:]
        try db.query(sql, bounds) { row in
            guard let measure = row.optionalString(0), let day = UTCTime.parse(row.string(2) + "T00:00:00Z") else { return }
            let key = Key(measure: measure, group: row.optionalString(1) ?? "")
            let number = day.seconds / 86_400, driver = Self.driverLabel(row.string(3))
            if row.int(4) == 1 {
                var sum = Decimal(0)
                for text in row.string(6).split(separator: " ") {
                    guard let value = ExactDecimal.parse(text) else { throw InvoiceBuilder.BadQuantity(text: String(text), meterID: driver) }
                    sum += value
                }
                exact[key, default: [:]][number, default: [:]][driver, default: 0] += sum
            } else {
                try set.add(key, day: number, driver: driver, micros: row.int64(5))
            }
        }
        for (key, days) in exact {
            for (day, drivers) in days {
                for (driver, credits) in drivers { try set.add(key, day: day, driver: driver, micros: Micros.from(credits) ?? 0) }
            }
        }
        set.roundCreditDays(exact)
        // Every window's sum (baselines, forecasts) then fits in an Int64.
        for (key, series) in set.series { try Int64.checkSummable(series.values.values, summing: "the daily charges of \(key.group)") }
        return set
    }

    mutating func add(_ key: Key, day: Int64, driver: String, micros: Int64) throws {
        let what = "the charges of \(key.group) on day \(day)"
        series[key, default: Series()].values[day, default: 0] = try (series[key]?.values[day] ?? 0).adding(micros, summing: what)
        series[key, default: Series()].drivers[day, default: [:]][driver, default: 0] =
            try (series[key]?.drivers[day]?[driver] ?? 0).adding(micros, summing: what)
        let range = span[key.measure] ?? day...day
        span[key.measure] = min(range.lowerBound, day)...max(range.upperBound, day)
    }

    /// A credit day's total is its exact sum rounded once (not the sum of rounded drivers).
    mutating func roundCreditDays(_ exact: [Key: [Int64: [String: Decimal]]]) {
        for (key, days) in exact {
            for (day, drivers) in days {
                series[key]?.values[day] = Micros.from(drivers.values.reduce(Decimal(0), +)) ?? 0
            }
        }
    }

    /// `Meter name` U+001F `resource-uri` as `Meter name · last-segment` (the resource's own name).
    static func driverLabel(_ text: String) -> String {
        guard let space = text.lastIndex(of: "\u{1F}") else { return text }
        let meter = text[..<space], resource = text[text.index(after: space)...]
        let name = resource.split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? String(meter) : "\(meter) · \(name)"
    }

    /// The group key over `invoice_lines`, lower-cased where the usage column is case-insensitive;
    /// an empty key is the "Unassigned" group.
    static func groupExpression(_ grouping: InvoiceGrouping) -> String {
        switch grouping {
        case .costCenter: return "COALESCE(cost_center, '')"
        case .user: return "lower(COALESCE(user_name, ''))"
        case .customer: return "lower(COALESCE(customer_id, ''))"
        case .subscription: return "lower(COALESCE(subscription_id, ''))"
        case .resourceGroup: return "lower(COALESCE(resource_group, ''))"
        case .meter: return "lower(COALESCE(meter_id, ''))"
        }
    }
}
