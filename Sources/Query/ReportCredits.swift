import Foundation
import Load
import WarehouseCore

extension ReportBuilder {
    /// ArcGIS Online credits in the period: by service type for the whole org, largest first (the
    /// second seed's table), then by user. Exact sums of the usage rows in credits. A service type
    /// is named by its `meters` row, else by ArcGIS Online's own name for it (`ArcGISServiceTypes`).
    func credits(_ period: ReportPeriod) throws -> [Report.Section] {
        let (start, end) = period.bounds
        var byType: [String: Decimal] = [:], byUser: [String: Decimal] = [:], typeNames: [String: String] = [:]
        var total = Decimal(0)
        try db.query("""
            SELECT u.meter_id, NULLIF(m.name, ''), COALESCE(NULLIF(u.user_name, ''), '(no user)'), u.quantity
            FROM usage u LEFT JOIN meters m ON m.source = u.source AND m.meter_id = u.meter_id
            WHERE u.unit = 'credits' AND u.usage_start >= ?1 AND u.usage_start < ?2
            """, start, end) { row in
            guard let credits = ExactDecimal.parse(row.string(3)) else {
                throw InvoiceBuilder.BadQuantity(text: row.string(3), meterID: row.string(0))
            }
            let type = row.string(0).lowercased()
            typeNames[type] = row.optionalString(1) ?? ArcGISServiceTypes.name(of: type) ?? row.string(0)
            byType[type, default: 0] += credits
            byUser[row.string(2), default: 0] += credits
            total += credits
        }
        var fullNames: [String: String] = [:]
        try db.query("SELECT user_name, full_name FROM users WHERE full_name IS NOT NULL") {
            fullNames[$0.string(0)] = $0.string(1)
        }
        func ordered(_ sums: [String: Decimal]) -> [(String, Decimal)] {
            sums.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        let typeRows: [[String?]] = ordered(byType).map { [$0.0, typeNames[$0.0], Self.credits($0.1), Self.percent($0.1, of: total)] }
            + [["total", nil, Self.credits(total), total.isZero ? nil : "100"]]
        let userRows: [[String?]] = ordered(byUser).map { [$0.0, fullNames[$0.0], Self.credits($0.1), Self.percent($0.1, of: total)] }
        return [
            Report.Section(
                name: "by_service_type", title: "Credits by service type, \(period)",
                columns: ["service_type", "name", "credits", "percent"], numeric: [2, 3], rows: typeRows),
            Report.Section(
                name: "by_user", title: "Credits by user, \(period)",
                columns: ["user", "full_name", "credits", "percent"], numeric: [2, 3], rows: userRows),
        ]
    }
}
