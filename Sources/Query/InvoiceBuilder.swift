import Foundation
import Load
import WarehouseCore

/// Builds an `Invoice` from `charges` and `usage` (the tables behind the `invoice_lines` view).
///
/// Fast on big warehouses: SQLite does the grouping, so only one row per group, meter and
/// currency reaches Swift. Amounts are exact integer sums of micro-units. Quantities are exact
/// decimal text, which SQL cannot add exactly, so the query splits each plain decimal into its
/// integer part and its fraction scaled to 10 places and adds those as integers; the few
/// quantities that do not fit that shape (an exponent, more than 10 decimals) are fetched and
/// added exactly in Swift (`ExactDecimal`).
public struct InvoiceBuilder {
    let db: Database

    public init(db: Database) { self.db = db }

    public struct BadPeriod: Error, CustomStringConvertible {
        public let period: String
        public var description: String { "invalid period \"\(period)\": expected YYYY-MM" }
    }

    /// The decimal places of the integer-scaled quantity sums.
    static let fractionScale = 9

    /// A plain decimal quantity (`-?digits(.digits)?`, at most 9 digits before the point and 9 after)
    /// as an integer of 10^-9 units, else NULL. `replace` drops the point and keeps the sign; the
    /// power of ten makes up for the decimals the text did not write.
    static let scaledQuantity: String = {
        let q = "u.quantity"
        let decimals = "(CASE instr(\(q), '.') WHEN 0 THEN 0 ELSE length(\(q)) - instr(\(q), '.') END)"
        let digits = "(length(\(q)) - (substr(\(q), 1, 1) = '-') - (instr(\(q), '.') > 0))"
        return """
            (CASE WHEN (\(q) GLOB '[0-9]*' OR \(q) GLOB '-[0-9]*') AND \(q) NOT GLOB '?*[^0-9.]*' AND \(q) NOT GLOB '*.*.*' \
            AND \(q) NOT GLOB '*.' AND \(decimals) <= \(fractionScale) AND \(digits) - \(decimals) <= 9 \
            THEN CAST(replace(\(q), '.', '') AS INTEGER) * CAST(substr('1\(String(repeating: "0", count: fractionScale))', 1, \(fractionScale) + 1 - \(decimals)) AS INTEGER) END)
            """
    }()

    public func build(_ request: InvoiceRequest) throws -> Invoice {
        guard UTCTime.parseMonth(request.period) != nil else { throw BadPeriod(period: request.period) }
        let keyExpression = Self.groupKeyExpression(request.grouping)
        let join = request.grouping == .customer
            ? "LEFT JOIN subscriptions s ON s.source = u.source AND s.subscription_id = COALESCE(u.subscription_id, u.account_id)"
            : ""
        let sourceFilter = request.source == nil ? "" : "AND u.source = :source"
        let accountColumn = request.tiers ? ", u.account_id AS account_id" : ""
        var parameters: [String: SQLValue] = ["period": .text(request.period)]
        if let source = request.source { parameters["source"] = .text(source) }

        let from = """
            FROM charges c JOIN usage u ON u.usage_id = c.usage_id \(join)
            WHERE c.period = :period \(sourceFilter)
            """
        // Memory-mapped reads: one pass over a month of usage without a system call per page.
        try db.execute("PRAGMA mmap_size = 1073741824")
        var buckets: [BucketKey: Bucket] = [:]
        var irregular = 0
        var exactInSQL = true
        while true {
            do {
                buckets = [:]
                irregular = 0
                // The subquery is a co-routine (LIMIT keeps SQLite from flattening it), so each row's
                // scaled quantity is computed once.
                let statement = try db.prepare("""
                    SELECT currency, gk, source, meter_id, unit, count(*), sum(amount_micros), sum(scaled), count(scaled)\(request.tiers ? ", account_id" : "")
                    FROM (SELECT c.currency AS currency, \(keyExpression) AS gk, u.source AS source, u.meter_id COLLATE BINARY AS meter_id,
                                 u.unit AS unit, c.amount_micros AS amount_micros, \(exactInSQL ? Self.scaledQuantity : "NULL") AS scaled\(accountColumn)
                          \(from) LIMIT -1)
                    GROUP BY 1, 2, 3, 4, 5\(request.tiers ? ", 10" : "")
                    """)
                try statement.bind(named: parameters)
                try statement.forEachRow { row in
                    let key = BucketKey(
                        currency: row.optionalString(0), group: row.optionalString(1), source: row.string(2),
                        meterID: row.string(3).lowercased(), unit: row.optionalString(4),
                        account: request.tiers ? row.string(9).lowercased() : "")
                    var bucket = buckets[key] ?? Bucket(meterID: row.string(3))
                    bucket.records += row.int(5)
                    bucket.amountMicros += row.int64(6)
                    bucket.quantity += Decimal(row.int64(7)) / Self.fractionDivisor
                    irregular += row.int(5) - row.int(8)
                    buckets[key] = bucket
                }
                break
            } catch let error as SQLiteError where exactInSQL && error.description.contains("integer overflow") {
                exactInSQL = false  // quantities too large for 64-bit sums: add them all in Swift
            }
        }
        if irregular > 0 {
            let slow = try db.prepare("""
                SELECT c.currency, \(keyExpression), u.source, u.meter_id, u.unit, u.quantity\(accountColumn)
                \(from) AND \(exactInSQL ? Self.scaledQuantity : "NULL") IS NULL
                """)
            try slow.bind(named: parameters)
            try slow.forEachRow { row in
                let key = BucketKey(
                    currency: row.optionalString(0), group: row.optionalString(1), source: row.string(2),
                    meterID: row.string(3).lowercased(), unit: row.optionalString(4),
                    account: request.tiers ? row.string(6).lowercased() : "")
                guard let value = ExactDecimal.parse(row.string(5)) else {
                    throw BadQuantity(text: row.string(5), meterID: row.string(3))
                }
                buckets[key, default: Bucket(meterID: row.string(3))].quantity += value
            }
        }
        return try assemble(request: request, buckets: buckets)
    }

    public struct BadQuantity: Error, CustomStringConvertible {
        public let text: String
        public let meterID: String
        public var description: String { "usage of meter \(meterID) has quantity \"\(text)\", which is not a decimal number" }
    }

    static let fractionDivisor: Decimal = {
        var value = Decimal(1)
        for _ in 0..<fractionScale { value *= 10 }
        return value
    }()

    /// The SQL of each grouping's key, case-insensitive where the column is.
    static func groupKeyExpression(_ grouping: InvoiceGrouping) -> String {
        switch grouping {
        case .costCenter: return "c.cost_center_key"
        case .user: return "NULLIF(u.user_name, '')"
        case .customer: return "NULLIF(COALESCE(u.customer_id, s.customer_id), '') COLLATE NOCASE"
        case .subscription: return "COALESCE(u.subscription_id, u.account_id) COLLATE NOCASE"
        case .resourceGroup: return "NULLIF(u.resource_group, '') COLLATE NOCASE"
        case .meter: return "lower(u.meter_id)"
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
