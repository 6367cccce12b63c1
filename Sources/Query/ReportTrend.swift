import Foundation
import Load
import WarehouseCore

extension ReportBuilder {
    /// Month-over-month cost per group and currency: each month's displayed invoice subtotal (the
    /// same figures `warehouse invoice` prints) and the change from the month before, absolute and
    /// in percent. A group absent in a month counts as 0.00 there.
    func trend(_ period: ReportPeriod, grouping: InvoiceGrouping) throws -> [Report.Section] {
        let builder = InvoiceBuilder(db: db)
        struct Key: Hashable { var currency: String, group: String }
        var cents: [Key: [String: Int64]] = [:]
        var unassigned: Set<Key> = []
        let months = period.months
        for month in months {
            let invoice = try builder.build(InvoiceRequest(period: month, grouping: grouping))
            for currencyInvoice in invoice.invoices {
                for group in currencyInvoice.groups {
                    let key = Key(currency: currencyInvoice.currency, group: group.key)
                    cents[key, default: [:]][month] = group.subtotalCents
                    if group.isUnassigned { unassigned.insert(key) }
                }
            }
        }
        var rows: [[String?]] = []
        let keys = cents.keys.sorted { a, b in
            if a.currency != b.currency { return a.currency < b.currency }
            let ua = unassigned.contains(a), ub = unassigned.contains(b)
            if ua != ub { return !ua }
            return a.group < b.group
        }
        for key in keys {
            var previous: Int64?
            for month in months {
                let amount = cents[key]?[month] ?? 0
                let change = previous.map { amount - $0 }
                let percent = previous.flatMap { previous in
                    previous == 0 ? nil : Self.percent(Decimal(amount - previous), of: Decimal(previous).magnitude)
                }
                rows.append([
                    key.group, key.currency, month, CentRounding.format(cents: amount),
                    change.map { CentRounding.format(cents: $0) }, percent,
                ])
                previous = amount
            }
        }
        return [Report.Section(
            name: "trend", title: "Cost per \(grouping.rawValue) and month, \(period)",
            columns: ["group", "currency", "month", "amount", "change", "change_percent"], numeric: [3, 4, 5], rows: rows)]
    }
}
