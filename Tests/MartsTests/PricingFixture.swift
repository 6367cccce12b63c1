import Foundation
import Load

/// A fresh warehouse file with helpers that insert facts the way the import writes them.
final class PricingFixture {
    let directory: URL
    let db: Database

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-pricing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        db = try Database.openWarehouse(path: directory.appending(path: "test.db").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func usage(
        source: String = "csp", account: String = "sub-1", resource: String = "/subscriptions/sub-1/vm1",
        meter: String = "meter-a", start: String, quantity: String, unit: String? = "Hours", tags: String = "{}",
        user: String? = nil, resourceGroup: String? = nil, customer: String? = nil, cost: String? = nil,
        costCurrency: String? = nil
    ) throws -> Int64 {
        let end = start.replacingOccurrences(of: "T00:00:00Z", with: "T23:59:59Z")
        try db.run("""
            INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit,
                               customer_id, subscription_id, resource_group, user_name, tags, cost, cost_currency)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, source, account, resource, meter, start, end, quantity, unit, customer, account, resourceGroup, user, tags,
            cost, costCurrency)
        // Inserted through the `usage` view's trigger, which leaves last_insert_rowid as it was.
        return try db.scalar("SELECT max(usage_id) FROM usage_facts")?.int64 ?? 0
    }

    func rates(
        source: String = "csp", meter: String = "meter-a", currency: String = "USD", effective: String = "2026-01-01T00:00:00Z",
        _ tiers: [(String, String)], included: String = "0", mode: String = "graduated"
    ) throws {
        for (minimum, price) in tiers {
            try db.run("""
                INSERT INTO rates (source, meter_id, currency, effective_date, tier_min, unit_price, included_quantity, tier_mode)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, source, meter, currency, effective, minimum, price, included, mode)
        }
    }

    func int(_ sql: String, _ values: any SQLBindable...) throws -> Int64? {
        try db.cached(sql).bind(values).first { $0.optionalInt64(0) } ?? nil
    }

    func strings(_ sql: String, _ values: any SQLBindable...) throws -> [String] {
        try db.cached(sql).bind(values).map { $0.string(0) }
    }

    /// Every row of the tables the repricer writes, as text, to compare states.
    func snapshot() throws -> [String] {
        var rows: [String] = []
        for sql in [
            "SELECT * FROM charge_scopes ORDER BY 1, 2, 3, 4", "SELECT * FROM charges ORDER BY usage_id",
            "SELECT * FROM cost_centers ORDER BY 1", "SELECT * FROM invoice_rollup ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
        ] {
            rows += try db.prepare(sql).map { $0.values.map(\.description).joined(separator: "|") }
        }
        return rows
    }
}
