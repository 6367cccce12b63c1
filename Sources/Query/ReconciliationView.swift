import Foundation
import Load
import WarehouseCore

/// `warehouse invoice --basis reported`: the reconciliation view a CSP partner holds against
/// Microsoft's reconciliation file.
///
/// The invoice (basis `usage`, the chargeback view) puts usage in the month of its usage date.
/// Microsoft's reconciliation file puts it in the month it was *reported* in: "When a billing
/// period closes all usage until the end of the day that the billing period ends is included in
/// the reconciliation file. Any late usage within the billing period that is reported within 24
/// hours after the billing period ends is accounted for, but in the next reconciliation file"
/// (https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure;
/// docs/contracts/reported-windows.md). With daily reported windows that is: a row belongs to
/// the month of its reported day (`reported_start`). Usage buckets that have no reported window
/// (ArcGIS Online, exports) stay in the month of their usage date.
///
/// One line per (source, subscription, meter, currency): the quantity on each basis, their
/// difference, and the amount of the reported basis — each row's own charge (priced, tiers and
/// all, within its usage month), assigned to the reported month. Quantities are exact decimals,
/// amounts micro-units shown to the cent.
public struct ReconciliationView {
    let db: any WarehouseReader

    public init(db: any WarehouseReader) { self.db = db }

    struct Line {
        var byUsage: Decimal = 0
        var byReported: Decimal = 0
        var amountMicros: Int64 = 0
        var unit: String
    }

    /// The view of `period` (`YYYY-MM`), optionally of one source.
    public func build(period: String, source: String? = nil) throws -> ResultTable {
        // The source filter only when there is one: PostgreSQL cannot type a parameter that is
        // only ever compared with NULL.
        let sourceFilter = source == nil ? "" : "u.source = ?2 AND"
        typealias Read = (key: [String], unit: String, quantity: Decimal, usageMonth: String, reportedMonth: String, micros: Int64?)
        var rows: [Read] = []
        try db.query(
            """
            SELECT u.source, COALESCE(u.subscription_id, u.account_id), u.meter_id, COALESCE(u.unit, m.unit, ''), u.quantity,
                   substr(u.usage_start, 1, 7), substr(CASE WHEN u.reported_start <> '' THEN u.reported_start ELSE u.usage_start END, 1, 7),
                   c.amount_micros, COALESCE(c.currency, '')
            FROM usage u LEFT JOIN charges c USING (usage_id) LEFT JOIN meters m ON m.source = u.source AND m.meter_id = u.meter_id
            WHERE \(sourceFilter) (substr(u.usage_start, 1, 7) = ?1
                   OR substr(CASE WHEN u.reported_start <> '' THEN u.reported_start ELSE u.usage_start END, 1, 7) = ?1)
            """, ([period] + (source.map { [$0] } ?? [])).map(SQLValue.text)
        ) { row in
            rows.append((key: [row.string(0), row.string(1).lowercased(), row.string(2).lowercased(), row.string(8)], unit: row.string(3),
             quantity: ExactDecimal.parse(row.string(4)) ?? 0, usageMonth: row.string(5), reportedMonth: row.string(6),
             micros: row.isNull(7) ? nil : row.int64(7)))
        }
        var lines: [[String]: Line] = [:]
        for row in rows {
            var line = lines[row.key] ?? Line(unit: row.unit)
            if row.usageMonth == period { line.byUsage += row.quantity }
            if row.reportedMonth == period {
                line.byReported += row.quantity
                line.amountMicros = try line.amountMicros.adding(row.micros ?? 0, summing: "the reconciliation of \(period)")
            }
            lines[row.key] = line
        }
        let columns = [
            "source", "subscription", "meter", "unit", "quantity_by_usage_date", "quantity_by_reported_time", "difference", "currency",
            "amount_by_reported_time",
        ]
        let table = lines.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, line -> [SQLValue] in
            [
                .text(key[0]), .text(key[1]), .text(key[2]), .text(line.unit), .text(ExactDecimal.format(line.byUsage)),
                .text(ExactDecimal.format(line.byReported)), .text(ExactDecimal.format(line.byReported - line.byUsage)),
                .text(key[3]), key[3].isEmpty ? .null : .text(Micros.format(line.amountMicros)),
            ]
        }
        return ResultTable(columns: columns, rows: table)
    }
}
