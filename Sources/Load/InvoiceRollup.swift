import Foundation
import WarehouseCore

/// The `invoice_rollup` table (see `schema.sql`): a month's charges summed per pricing scope and
/// invoice dimension, so `warehouse invoice` reads a few thousand rows instead of joining every
/// charge of the month to its usage row.
///
/// Written by the Repricer (`replaceScope`, `deleteScope`) in the transaction that writes the
/// charges; `rebuild` recomputes whole periods from `charges` and `usage` (for warehouses whose
/// charges were written by other means: test fixtures, the generated benchmark warehouse). The
/// invoice checks the rollup with `matchesCharges` and reads `chargesAsRows` when it is out of step.
public enum InvoiceRollup {
    /// The dimensions of one rollup row, spelled exactly as the usage rows spell them.
    public struct Key: Hashable, Sendable {
        public var period: String
        public var source: String
        public var accountID: String
        public var meterID: String
        public var unit: String?
        public var currency: String?
        public var costCenterKey: String
        public var userName: String?
        public var customerID: String?
        public var subscriptionID: String?
        public var resourceGroup: String?

        public init(
            period: String, source: String, accountID: String, meterID: String, unit: String?, currency: String?,
            costCenterKey: String, userName: String?, customerID: String?, subscriptionID: String?, resourceGroup: String?
        ) {
            self.period = period
            self.source = source
            self.accountID = accountID
            self.meterID = meterID
            self.unit = unit
            self.currency = currency
            self.costCenterKey = costCenterKey
            self.userName = userName
            self.customerID = customerID
            self.subscriptionID = subscriptionID
            self.resourceGroup = resourceGroup
        }
    }

    /// The exact sums of one rollup row.
    public struct Sums: Equatable, Sendable {
        public var quantity = Decimal(0)
        public var amountMicros: Int64?
        public var records = 0

        public init() {}

        /// Adds one usage row and its charge (`amountMicros` nil = unpriced); a sum past Int64
        /// throws `SumOverflow`.
        public mutating func add(quantity: Decimal, amountMicros: Int64?, of what: @autoclosure () -> String) throws {
            if let amountMicros { self.amountMicros = try (self.amountMicros ?? 0).adding(amountMicros, summing: what()) }
            self.quantity += quantity
            records += 1
        }
    }

    /// A pricing scope as the rollup stores it (ids in one of their spellings).
    public struct Scope: Hashable, Sendable {
        public var period: String
        public var source: String
        public var accountID: String
        public var meterID: String

        public init(period: String, source: String, accountID: String, meterID: String) {
            self.period = period
            self.source = source
            self.accountID = accountID
            self.meterID = meterID
        }
    }

    public struct BadQuantity: Error, CustomStringConvertible {
        public let text: String
        public let usageID: Int64
        public var description: String { "usage \(usageID) has quantity \"\(text)\", which is not a decimal number" }
    }

    static func selectScope(_ dialect: SQLDialect) -> String {
        """
        SELECT \(dialect == .sqlite ? "rowid" : "ctid::text"), account_id, meter_id, unit, currency, cost_center_key, user_name, customer_id, subscription_id,
               resource_group, quantity, amount_micros, records
        FROM invoice_rollup WHERE period = ? AND source = ? AND account_id = ? AND meter_id = ?
        """
    }

    static let insert = """
        INSERT INTO invoice_rollup (period, source, account_id, meter_id, unit, currency, cost_center_key, user_name,
                                    customer_id, subscription_id, resource_group, quantity, amount_micros, records)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Makes the rows of `scope` (account and meter compared case-insensitively) exactly `wanted`,
    /// deleting and inserting only the rows that differ, so an unchanged scope writes nothing.
    public static func replaceScope(_ db: Database, scope: Scope, wanted: [Key: Sums]) throws {
        var missing = wanted
        var stale: [SQLValue] = []
        try db.cached(selectScope(db.dialect)).bind(scope.period, scope.source, scope.accountID, scope.meterID).forEachRow { row in
            let key = Key(
                period: scope.period, source: scope.source, accountID: row.string(1), meterID: row.string(2),
                unit: row.optionalString(3), currency: row.optionalString(4), costCenterKey: row.string(5),
                userName: row.optionalString(6), customerID: row.optionalString(7), subscriptionID: row.optionalString(8),
                resourceGroup: row.optionalString(9))
            if let sums = missing[key], ExactDecimal.format(sums.quantity) == row.string(10),
               sums.amountMicros == row.optionalInt64(11), sums.records == row.int(12) {
                missing[key] = nil
            } else {
                stale.append(row.value(0))
            }
        }
        for address in stale { try db.cached("DELETE FROM invoice_rollup WHERE \(db.dialect.rowAddress) = ?").bind(address).run() }
        try insert(db, missing)
    }

    static func insert(_ db: Database, _ rows: [Key: Sums]) throws {
        for (key, sums) in rows {
            try db.cached(insert).bind(
                key.period, key.source, key.accountID, key.meterID, key.unit, key.currency, key.costCenterKey, key.userName,
                key.customerID, key.subscriptionID, key.resourceGroup, ExactDecimal.format(sums.quantity),
                sums.amountMicros, sums.records
            ).run()
        }
    }

    /// The scopes with rollup rows in periods `from ..< to` of `source` (nil = all).
    public static func scopes(_ db: Database, source: String?, from: String, to: String) throws -> [Scope] {
        try db.cached("""
            SELECT DISTINCT period, source, lower(account_id), lower(meter_id) FROM invoice_rollup
            WHERE (CAST(?1 AS TEXT) IS NULL OR source = ?1) AND period >= ?2 AND period < ?3
            """).bind(source.map { SQLValue.text($0) } ?? .null, from, to).map { row in
            Scope(period: row.string(0), source: row.string(1), accountID: row.string(2), meterID: row.string(3))
        }
    }

    /// Deletes the rows of `scope` (its usage is gone).
    public static func deleteScope(_ db: Database, _ scope: Scope) throws {
        try db.cached("DELETE FROM invoice_rollup WHERE period = ? AND source = ? AND account_id = ? AND meter_id = ?")
            .bind(scope.period, scope.source, scope.accountID, scope.meterID).run()
    }

    /// Every charge of the warehouse as a rollup row of one record (`usage_id` added), with the
    /// rollup's column names and the usage columns' collations: what the invoice reads instead of
    /// the stored rollup when that one is missing or out of step, and what `compute` sums.
    public static let chargesAsRows = """
        (SELECT c.period AS period, u.source AS source, u.account_id AS account_id, u.meter_id AS meter_id, u.unit AS unit,
                c.currency AS currency, c.cost_center_key AS cost_center_key, u.user_name AS user_name,
                u.customer_id AS customer_id, u.subscription_id AS subscription_id, u.resource_group AS resource_group,
                u.quantity AS quantity, c.amount_micros AS amount_micros, 1 AS records, u.usage_id AS usage_id
         FROM charges c JOIN usage u ON u.usage_id = c.usage_id)
        """

    /// The rollup rows of `period` computed from `charges` joined to `usage`, exactly.
    public static func compute(_ db: Database, period: String) throws -> [Key: Sums] {
        var result: [Key: Sums] = [:]
        try db.prepare("""
            SELECT period, source, account_id, meter_id, unit, currency, cost_center_key, user_name,
                   customer_id, subscription_id, resource_group, quantity, amount_micros, usage_id
            FROM \(chargesAsRows) WHERE period = ?
            """).bind(period).forEachRow { row in
            let key = Key(
                period: row.string(0), source: row.string(1), accountID: row.string(2), meterID: row.string(3),
                unit: row.optionalString(4), currency: row.optionalString(5), costCenterKey: row.string(6),
                userName: row.optionalString(7), customerID: row.optionalString(8), subscriptionID: row.optionalString(9),
                resourceGroup: row.optionalString(10))
            guard let quantity = ExactDecimal.parse(row.string(11)) else {
                throw BadQuantity(text: row.string(11), usageID: row.int64(13))
            }
            try result[key, default: Sums()].add(quantity: quantity, amountMicros: row.optionalInt64(12), of: "the charges of \(period)")
        }
        return result
    }

    /// Replaces the rollup of each period in `periods` with one computed from `charges` and
    /// `usage`, in one transaction. For warehouses whose charges were not written by the Repricer
    /// (test fixtures, generated benchmarks, a rollup found out of step).
    public static func rebuild(_ db: Database, periods: Set<String>) throws {
        try db.transaction {
            for period in periods.sorted() {
                _ = try db.run("DELETE FROM invoice_rollup WHERE period = ?", period)
                try insert(db, try compute(db, period: period))
            }
        }
    }

    /// Whether the warehouse has the `invoice_rollup` table (files made before it was added lack it).
    public static func exists(_ db: any WarehouseReader) throws -> Bool {
        try db.hasTable("invoice_rollup")
    }

    /// Whether the rollup of `period` holds as many usage rows, as many priced ones and as much
    /// money as `charges` does: `charge_totals` (kept by triggers on every charge written or
    /// deleted, schema version 5) against the rollup's few rows of the month. Charges are only
    /// written with their rollup, so what this catches is charges written without it (hand-made
    /// warehouses, fixtures) and charges deleted with their usage since the last reprice.
    /// Compared as integers: PostgreSQL's sum of a bigint is a `numeric`, read back as text.
    public static func matchesCharges(_ db: any WarehouseReader, period: String) throws -> Bool {
        func integers(_ row: Row) -> [Int64?] { (0..<3).map { row.optionalInt64($0) } }
        let totals = try db.map("""
            SELECT records, priced, CASE WHEN priced > 0 THEN amount_micros END FROM charge_totals WHERE period = ?1
            """, period, transform: integers).first ?? [0, 0, nil]
        let rollup = try db.map("""
            SELECT COALESCE(sum(records), 0), COALESCE(sum(CASE WHEN amount_micros IS NOT NULL THEN records END), 0),
                   sum(amount_micros)
            FROM invoice_rollup WHERE period = ?1
            """, period, transform: integers).first
        return totals == rollup
    }
}
