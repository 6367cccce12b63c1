import Foundation
import Load
import WarehouseCore

/// Builds an `Invoice` from `invoice_rollup` (the charges of each pricing scope summed per
/// invoice dimension; see `InvoiceRollup`), not from the month's charges joined to usage.
///
/// Fast on big warehouses: a month of 10 million rows of usage is a few thousand rollup rows, which
/// SQLite groups by the requested dimension (with the same expressions and collations as the
/// `invoice_lines` view), so only one row per group, meter, account and currency reaches Swift (the
/// accounts say which pricing scopes a line holds: their bands state its unit price). Amounts are
/// exact integer sums of micro-units; quantities are exact decimal text, added in Swift
/// (`ExactDecimal`). Before reading, the rollup is checked against the month's charges (record
/// counts and amounts per currency and cost center, `InvoiceRollup.matchesCharges`); when it is
/// missing or out of step (charges written without the Repricer, usage deleted since the last
/// reprice) the invoice reads each charge of the month joined to its usage row as a rollup row of
/// its own instead: slower, still exact, and the warehouse file is not written.
public struct InvoiceBuilder {
    let db: Database

    public init(db: Database) { self.db = db }

    public struct BadPeriod: Error, CustomStringConvertible {
        public let period: String
        public var description: String { "invalid period \"\(period)\": expected YYYY-MM" }
    }

    /// What to read for `period`: the stored rollup when it matches the charges, else every charge
    /// of the month as a rollup row of its own (the connection is read-only: nothing is stored).
    func rollupTable(period: String) throws -> (table: String, isStored: Bool) {
        if try InvoiceRollup.exists(db), try InvoiceRollup.matchesCharges(db, period: period) { return ("main.invoice_rollup", true) }
        return (InvoiceRollup.chargesAsRows, false)
    }

    public func build(_ request: InvoiceRequest) throws -> Invoice {
        guard UTCTime.parseMonth(request.period) != nil else { throw BadPeriod(period: request.period) }
        let (table, isStored) = try rollupTable(period: request.period)
        let keyExpression = Self.groupKeyExpression(request.grouping)
        let join = request.grouping == .customer
            ? "LEFT JOIN subscriptions s ON s.source = r.source AND s.subscription_id = COALESCE(r.subscription_id, r.account_id)"
            : ""
        let sourceFilter = request.source == nil ? "" : "AND r.source = :source"
        var parameters: [String: SQLValue] = ["period": .text(request.period)]
        if let source = request.source { parameters["source"] = .text(source) }

        let statement = try db.prepare("""
            SELECT currency, gk, source, meter_id, unit, sum(records), sum(amount_micros), group_concat(quantity, ' '), count(*), account_id
            FROM (SELECT r.currency AS currency, \(keyExpression) AS gk, r.source AS source, r.meter_id COLLATE BINARY AS meter_id,
                         r.unit AS unit, r.records AS records, r.amount_micros AS amount_micros, r.quantity AS quantity,
                         r.account_id COLLATE NOCASE AS account_id
                  FROM \(table) r \(join)
                  WHERE r.period = :period \(sourceFilter))
            GROUP BY 1, 2, 3, 4, 5, 10
            """)
        try statement.bind(named: parameters)
        var buckets: [BucketKey: Bucket] = [:]
        try statement.forEachRow { row in
            let key = BucketKey(
                currency: row.optionalString(0), group: row.optionalString(1), source: row.string(2),
                meterID: row.string(3).lowercased(), unit: row.optionalString(4),
                account: row.string(9).lowercased())
            var bucket = buckets[key] ?? Bucket(meterID: row.string(3))
            bucket.records += row.int(5)
            bucket.amountMicros = try bucket.amountMicros.adding(row.int64(6), summing: "invoice \(request.period)")
            let texts = row.string(7).split(separator: " ", omittingEmptySubsequences: false)
            for text in texts {
                // A quantity holding the separator splits into too many parts: refused, not misread.
                guard texts.count == row.int(8), let value = ExactDecimal.parse(text) else {
                    throw BadQuantity(text: String(text), meterID: row.string(3))
                }
                bucket.quantity += value
            }
            buckets[key] = bucket
        }
        // Every sum the invoice makes (lines, groups, totals) then fits in an Int64.
        try Int64.checkSummable(buckets.values.map(\.amountMicros), summing: "invoice \(request.period)")
        var invoice = try assemble(request: request, buckets: buckets)
        invoice.readFromCharges = !isStored
        invoice.awaitingReprice = try awaitingReprice(request.period)
        return invoice
    }

    /// Whether `period` waits in the repricing queue (a run was killed between loading and
    /// pricing): its charges may be behind its facts until the next `etl`, `import` or `rebuild`.
    func awaitingReprice(_ period: String) throws -> Bool {
        guard try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'pending_reprice'")?.int64 == 1 else { return false }
        let scopes = try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'pending_scopes'")?.int64 == 1
            ? "SELECT count(*) FROM pending_scopes WHERE period = ?1" : "SELECT 0"
        return try db.scalar("SELECT (SELECT count(*) FROM pending_reprice WHERE period IN (?1, '*')) + (\(scopes))", period)?.int64 ?? 0 > 0
    }

    public struct BadQuantity: Error, CustomStringConvertible {
        public let text: String
        public let meterID: String
        public var description: String { "usage of meter \(meterID) has quantity \"\(text)\", which is not a decimal number" }
    }

    /// The SQL of each grouping's key over rollup rows `r`, case-insensitive where the usage column is.
    static func groupKeyExpression(_ grouping: InvoiceGrouping) -> String {
        switch grouping {
        case .costCenter: return "r.cost_center_key"
        case .user: return "NULLIF(r.user_name, '')"
        case .customer: return "NULLIF(COALESCE(r.customer_id, s.customer_id), '') COLLATE NOCASE"
        case .subscription: return "COALESCE(r.subscription_id, r.account_id) COLLATE NOCASE"
        case .resourceGroup: return "NULLIF(r.resource_group, '') COLLATE NOCASE"
        case .meter: return "lower(r.meter_id)"
        }
    }

    struct BucketKey: Hashable {
        var currency: String?
        var group: String?
        var source: String
        var meterID: String
        var unit: String?
        var account: String
    }

    struct Bucket {
        var meterID: String
        var records = 0
        var amountMicros: Int64 = 0
        var quantity = Decimal(0)
    }
}
