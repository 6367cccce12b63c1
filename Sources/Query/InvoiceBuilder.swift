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

    /// The decimal places of the integer-scaled fraction sum.
    static let fractionScale = 10

    public func build(_ request: InvoiceRequest) throws -> Invoice {
        guard UTCTime.parseMonth(request.period) != nil else { throw BadPeriod(period: request.period) }
        let keyExpression = Self.groupKeyExpression(request.grouping)
        let join = request.grouping == .customer
            ? "LEFT JOIN subscriptions s ON s.source = u.source AND s.subscription_id = COALESCE(u.subscription_id, u.account_id)"
            : ""
        let sourceFilter = request.source == nil ? "" : "AND u.source = :source"
        let accountColumn = request.tiers ? ", u.account_id" : ""
        var parameters: [String: SQLValue] = ["period": .text(request.period)]
        if let source = request.source { parameters["source"] = .text(source) }

        let q = "u.quantity"
        let plain = """
            ((\(q) GLOB '[0-9]*' OR \(q) GLOB '-[0-9]*') AND \(q) NOT GLOB '?*[^0-9.]*' AND \(q) NOT GLOB '*.*.*' \
            AND \(q) NOT GLOB '*.' AND (CASE instr(\(q), '.') WHEN 0 THEN length(ltrim(\(q), '-')) \
            ELSE instr(ltrim(\(q), '-'), '.') - 1 END) <= 12 \
            AND (instr(\(q), '.') = 0 OR length(\(q)) - instr(\(q), '.') <= \(Self.fractionScale)))
            """
        let sign = "(CASE WHEN substr(\(q), 1, 1) = '-' THEN -1 ELSE 1 END)"
        let integerPart = "CAST(CASE instr(\(q), '.') WHEN 0 THEN ltrim(\(q), '-') ELSE substr(ltrim(\(q), '-'), 1, instr(ltrim(\(q), '-'), '.') - 1) END AS INTEGER)"
        let zeros = String(repeating: "0", count: Self.fractionScale)
        let fractionPart = "(CASE instr(\(q), '.') WHEN 0 THEN 0 ELSE CAST(substr(substr(\(q), instr(\(q), '.') + 1) || '\(zeros)', 1, \(Self.fractionScale)) AS INTEGER) END)"
        let from = """
            FROM charges c JOIN usage u ON u.usage_id = c.usage_id \(join)
            WHERE c.period = :period \(sourceFilter)
            """
        let sql = """
            SELECT c.currency, \(keyExpression), u.source, u.meter_id, u.unit,
                   count(*), sum(c.amount_micros),
                   sum(CASE WHEN \(plain) THEN \(sign) * \(integerPart) ELSE 0 END),
                   sum(CASE WHEN \(plain) THEN \(sign) * \(fractionPart) ELSE 0 END),
                   sum(CASE WHEN \(plain) THEN 0 ELSE 1 END)\(accountColumn)
            \(from)
            GROUP BY 1, 2, 3, 4, 5\(request.tiers ? ", 11" : "")
            """
        var buckets: [BucketKey: Bucket] = [:]
        var irregular = 0
        let statement = try db.prepare(sql)
        try statement.bind(named: parameters)
        try statement.forEachRow { row in
            let key = BucketKey(
                currency: row.optionalString(0), group: row.optionalString(1), source: row.string(2),
                meterID: row.string(3).lowercased(), unit: row.optionalString(4),
                account: request.tiers ? row.string(10).lowercased() : "")
            var bucket = buckets[key] ?? Bucket(meterID: row.string(3))
            bucket.records += row.int(5)
            bucket.amountMicros += row.int64(6)
            bucket.quantity += Decimal(row.int64(7)) + Decimal(row.int64(8)) / Self.fractionDivisor
            irregular += row.int(9)
            buckets[key] = bucket
        }
        if irregular > 0 {
            let slow = try db.prepare("""
                SELECT c.currency, \(keyExpression), u.source, u.meter_id, u.unit, u.quantity\(accountColumn)
                \(from) AND NOT \(plain)
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
        case .meter: return "u.meter_id COLLATE NOCASE"
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
