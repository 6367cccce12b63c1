import Foundation

/// The fact and dimension tables `warehouse import` (and later the nightly run) write, with their
/// natural keys, and the SQL to write them: one cached statement per table, inside the caller's
/// transaction. Rows already there unchanged are not written, so loading twice changes nothing.
public final class FactStore {
    /// A table's columns, in the order rows give them, and its natural key.
    public struct Table: Sendable {
        public let name: String
        public let columns: [String]
        public let key: [String]
        /// Dimensions described by several documents (a meter by its rate card and by usage
        /// records) keep a known value when a later document leaves the column NULL.
        public let keepKnownValues: Bool
    }

    public static let customers = Table(
        name: "customers", columns: ["source", "customer_id", "company_name", "domain", "tenant_id", "relationship"],
        key: ["source", "customer_id"], keepKnownValues: false)
    public static let subscriptions = Table(
        name: "subscriptions", columns: ["source", "subscription_id", "customer_id", "offer_id", "offer_name", "billing_type", "status"],
        key: ["source", "subscription_id"], keepKnownValues: true)
    public static let users = Table(
        name: "users", columns: ["source", "user_name", "org_id", "full_name", "email", "role", "tags", "disabled", "created_at"],
        key: ["source", "user_name"], keepKnownValues: false)
    public static let meters = Table(
        name: "meters", columns: ["source", "meter_id", "name", "category", "subcategory", "region", "unit"],
        key: ["source", "meter_id"], keepKnownValues: true)
    public static let resources = Table(
        name: "resources",
        columns: ["source", "resource_id", "subscription_id", "resource_group", "provider_type", "name", "location", "owner", "tags"],
        key: ["source", "resource_id"], keepKnownValues: true)
    public static let rates = Table(
        name: "rates",
        columns: ["source", "meter_id", "currency", "effective_date", "tier_min", "unit_price", "included_quantity", "tier_mode", "page_id"],
        key: ["source", "meter_id", "currency", "effective_date", "tier_min"], keepKnownValues: false)
    public static let offerTerms = Table(
        name: "offer_terms", columns: ["source", "name", "currency", "effective_date", "discount", "excluded_meter_ids", "page_id"],
        key: ["source", "name", "currency", "effective_date"], keepKnownValues: false)
    public static let storageSnapshots = Table(
        name: "storage_snapshots",
        columns: [
            "source", "item_id", "snapshot_date", "owner", "item_type", "title", "storage_class", "size_bytes", "feature_bytes",
            "attachment_bytes", "page_id",
        ],
        key: ["source", "item_id", "snapshot_date"], keepKnownValues: false)
    public static let creditBudgets = Table(
        name: "credit_budgets", columns: ["source", "user_name", "snapshot_date", "assigned_credits", "available_credits", "page_id"],
        key: ["source", "user_name", "snapshot_date"], keepKnownValues: false)
    public static let orgCredits = Table(
        name: "org_credits", columns: ["source", "org_id", "snapshot_date", "available_credits", "budgeting_enabled", "page_id"],
        key: ["source", "org_id", "snapshot_date"], keepKnownValues: false)

    let db: Database
    /// Rows inserted or changed, and rows already there identical, since this store was made.
    public private(set) var written = 0
    public private(set) var unchanged = 0
    /// The pricing scopes of the usage rows written.
    public private(set) var touchedScopes: Set<UsageFactStore.Scope> = []

    public init(_ db: Database) { self.db = db }

    /// Upserts usage rows into `usage_facts` (`UsageFactStore`).
    public func upsertUsage(_ rows: [UsageFactStore.Row]) throws {
        guard !rows.isEmpty else { return }
        let store = UsageFactStore(db)
        for changed in try store.upsert(rows.map { ($0, try store.key($0)) }, pageCounts: true) {
            if changed { written += 1 } else { unchanged += 1 }
        }
        touchedScopes.formUnion(store.touched)
    }

    /// Upserts `rows` (values in `table.columns` order).
    public func upsert(_ table: Table, rows: [[any SQLBindable]]) throws {
        guard !rows.isEmpty else { return }
        precondition(db.isInTransaction, "FactStore writes inside the caller's transaction")
        if table.keepKnownValues {
            let statement = try db.cached(FactStore.mergeSQL(table))
            for row in rows {
                if try statement.bind(row).run() > 0 { written += 1 } else { unchanged += 1 }
            }
        } else {
            let upsert = try BulkUpsert(db, table: table.name, columns: table.columns, key: table.key)
            for row in rows {
                if try upsert.upsert(row) { written += 1 } else { unchanged += 1 }
            }
        }
    }

    /// `INSERT ... ON CONFLICT DO UPDATE SET c = COALESCE(excluded.c, c)`, only where that changes something.
    static func mergeSQL(_ table: Table) -> String {
        let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        let updates = table.columns.filter { !table.key.contains($0) }
        let merged = updates.map { "COALESCE(excluded.\($0), \(table.name).\($0))" }
        return "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))"
            + " ON CONFLICT (\(table.key.joined(separator: ", "))) DO UPDATE SET "
            + zip(updates, merged).map { "\($0) = \($1)" }.joined(separator: ", ")
            + " WHERE " + zip(updates, merged).map { "\($1) IS NOT \(table.name).\($0)" }.joined(separator: " OR ")
    }

    /// A re-pull of a rate card replaces its rows: tiers of (source, meter, currency, effective
    /// date) whose `tier_min` the new card no longer has are deleted.
    public func deleteTiers(source: String, meterID: String, currency: String, effectiveDate: String, keeping: Set<String>) throws {
        let existing = try db.cached("SELECT tier_min FROM rates WHERE source = ? AND meter_id = ? AND currency = ? AND effective_date = ?")
            .bind(source, meterID, currency, effectiveDate).map { $0.string(0) }
        for stale in existing where !keeping.contains(stale) {
            try db.run(
                "DELETE FROM rates WHERE source = ? AND meter_id = ? AND currency = ? AND effective_date = ? AND tier_min = ?",
                source, meterID, currency, effectiveDate, stale)
            written += 1
        }
    }
}
