import Foundation
import Load
import WarehouseCore

extension ReportBuilder {
    /// Each user's assigned and available credits from their latest snapshot on or before the end
    /// of the period, the share left, and, as the seed's notebook does it, the users under 10% and
    /// those under 50% (but not under 10%). Users without a budget (budgeting off) are listed with
    /// empty figures and in neither list.
    func budgets(_ period: ReportPeriod) throws -> [Report.Section] {
        let end = String(period.bounds.end.prefix(10))
        var all: [[String?]] = [], under10: [[String?]] = [], under50: [[String?]] = []
        var rows: [(user: String, assigned: Decimal?, available: Decimal?, date: String, left: Decimal?)] = []
        try db.query("""
            SELECT b.user_name, b.snapshot_date, b.assigned_credits, b.available_credits
            FROM credit_budgets b
            WHERE b.snapshot_date = (SELECT max(b2.snapshot_date) FROM credit_budgets b2
                                     WHERE b2.source = b.source AND b2.user_name = b.user_name AND b2.snapshot_date < ?1)
            ORDER BY b.user_name, b.source
            """, end) { row in
            let assigned = row.optionalString(2).flatMap(ExactDecimal.parse)
            let available = row.optionalString(3).flatMap(ExactDecimal.parse)
            var left: Decimal?
            if let assigned, let available, assigned > 0 { left = available / assigned * 100 }
            rows.append((row.string(0), assigned, available, row.string(1), left))
        }
        rows.sort { a, b in
            switch (a.left, b.left) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.user < b.user
            }
        }
        for row in rows {
            let cells: [String?] = [
                row.user, row.assigned.map(Self.credits), row.available.map(Self.credits),
                both(row.assigned, row.available).map { Self.credits($0 - $1) },
                row.left.map { DecimalText.rounded($0, scale: 1) }, row.date,
            ]
            all.append(cells)
            if let left = row.left {
                if left < 10 { under10.append(cells) } else if left < 50 { under50.append(cells) }
            }
        }
        let columns = ["user", "assigned", "available", "used", "percent_left", "snapshot_date"]
        return [
            Report.Section(name: "budgets", title: "Credit budgets (latest snapshot up to \(period.last))", columns: columns, numeric: [1, 2, 3, 4], rows: all),
            Report.Section(name: "under_10_percent", title: "Users with less than 10% of their credits left", columns: columns, numeric: [1, 2, 3, 4], rows: under10),
            Report.Section(name: "under_50_percent", title: "Users with 10% to less than 50% of their credits left", columns: columns, numeric: [1, 2, 3, 4], rows: under50),
        ]
    }

    /// The org's remaining credits on each snapshot day of the period, with the change since the
    /// snapshot before (negative: credits consumed).
    func orgCredits(_ period: ReportPeriod) throws -> [Report.Section] {
        let (start, end) = period.bounds
        var rows: [[String?]] = []
        var previous: [String: Decimal] = [:]
        try db.query("""
            SELECT o.source, o.org_id, o.snapshot_date, o.available_credits, o.budgeting_enabled,
                   (SELECT p.available_credits FROM org_credits p WHERE p.source = o.source AND p.org_id = o.org_id
                    AND p.snapshot_date < o.snapshot_date ORDER BY p.snapshot_date DESC LIMIT 1)
            FROM org_credits o WHERE o.snapshot_date >= ?1 AND o.snapshot_date < ?2
            ORDER BY o.source, o.org_id, o.snapshot_date
            """, String(start.prefix(10)), String(end.prefix(10))) { row in
            let org = row.string(0) + "/" + row.string(1)
            let available = ExactDecimal.parse(row.string(3))
            let before = previous[org] ?? row.optionalString(5).flatMap(ExactDecimal.parse)
            rows.append([
                row.string(2), row.string(1), available.map(Self.credits) ?? row.string(3),
                both(available, before).map { Self.credits($0 - $1) }, row.int(4) == 1 ? "yes" : "no",
            ])
            if let available { previous[org] = available }
        }
        return [Report.Section(
            name: "org_credits", title: "Organization credits remaining, \(period)",
            columns: ["date", "org_id", "available_credits", "change", "budgeting"], numeric: [2, 3], rows: rows)]
    }
}

/// Both values, or nil.
func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
