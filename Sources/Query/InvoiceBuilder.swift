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
    let db: any WarehouseReader

    public init(db: any WarehouseReader) { self.db = db }

    public struct BadPeriod: Error, CustomStringConvertible {
        public let period: String
        public var description: String { "invalid period \"\(period)\": expected YYYY-MM" }
    }

    /// What to read for `period`: the stored rollup when it matches the charges, else every charge
    /// of the month as a rollup row of its own (the connection is read-only: nothing is stored).
    func rollupTable(period: String) throws -> (table: String, isStored: Bool) {
        if try InvoiceRollup.exists(db), try InvoiceRollup.matchesCharges(db, period: period) { return (db.dialect.table("invoice_rollup"), true) }
        return (InvoiceRollup.chargesAsRows, false)
    }

    public func build(_ request: InvoiceRequest) throws -> Invoice {
        guard UTCTime.parseMonth(request.period) != nil else { throw BadPeriod(period: request.period) }
        let (table, isStored) = try rollupTable(period: request.period)
        let sql = Self.bucketSQL(request, table: table, dialect: db.dialect)
        var parameters: [SQLValue] = [.text(request.period)]
        if let source = request.source { parameters.append(.text(source)) }
        var buckets: [BucketKey: Bucket] = [:]
        try db.query(sql, parameters) { row in
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
        guard try db.hasTable("pending_reprice") else { return false }
        let scopes = try db.hasTable("pending_scopes") ? "SELECT count(*) FROM pending_scopes WHERE period = ?1" : "SELECT 0"
        return try db.value("SELECT (SELECT count(*) FROM pending_reprice WHERE period IN (?1, '*')) + (\(scopes))", period)?.int64 ?? 0 > 0
    }

    /// The query of a month's buckets: rollup rows grouped by the requested dimension (`?1` the
    /// period, `?2` the source), with the same expressions and collations as `invoice_lines`.
    static func bucketSQL(_ request: InvoiceRequest, table: String, dialect: SQLDialect) -> String {
        let keyExpression = groupKeyExpression(request.grouping, dialect: dialect)
        let join = request.grouping == .customer
            ? "LEFT JOIN subscriptions s ON s.source = r.source AND s.subscription_id = COALESCE(r.subscription_id, r.account_id)"
            : ""
        let sourceFilter = request.source == nil ? "" : "AND r.source = ?2"
        return """
            SELECT currency, gk, source, meter_id, unit, sum(records), sum(amount_micros), \(dialect.joined("quantity", separator: " ")), count(*), account_id
            FROM (SELECT r.currency AS currency, \(keyExpression) AS gk, r.source AS source, \(dialect.binary("r.meter_id")) AS meter_id,
                         r.unit AS unit, r.records AS records, r.amount_micros AS amount_micros, r.quantity AS quantity,
                         \(dialect.nocase("r.account_id")) AS account_id
                  FROM \(table) r \(join)
                  WHERE r.period = ?1 \(sourceFilter)) b
            GROUP BY 1, 2, 3, 4, 5, 10
            """
    }

    public struct BadQuantity: Error, CustomStringConvertible {
        public let text: String
        public let meterID: String
        public var description: String { "usage of meter \(meterID) has quantity \"\(text)\", which is not a decimal number" }
    }

    /// The SQL of each grouping's key over rollup rows `r`, case-insensitive where the usage column is.
    static func groupKeyExpression(_ grouping: InvoiceGrouping, dialect: SQLDialect = .sqlite) -> String {
        switch grouping {
        case .costCenter: return "r.cost_center_key"
        case .user: return "NULLIF(r.user_name, '')"
        case .customer: return dialect.nocase("NULLIF(COALESCE(r.customer_id, s.customer_id), '')")
        case .subscription: return dialect.nocase("COALESCE(r.subscription_id, r.account_id)")
        case .resourceGroup: return dialect.nocase("NULLIF(r.resource_group, '')")
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
