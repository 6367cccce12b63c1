import Foundation
import Load
import TestSupport
import Testing
import WarehouseCore

/// Version 7 (issue 21) on a version-6 warehouse with data: `usage_facts` is copied under a new
/// natural key (with the charge's kind), every row keeping its id, values and charge, so the
/// invoice lines and period totals read the same; then two kinds of one key are two rows.
@Suite struct MigrationVersion7Tests {
    /// A version-6 file with usage of two sources, a cost export's row among them, and charges.
    static func versionSix() throws -> TestWarehouse {
        let t = try TestWarehouse(migrated: false)
        #expect(try t.db.migrate(through: 6) == [1, 2, 3, 4, 5, 6])
        try t.db.transaction {
            let insert = """
                INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, tags, cost, cost_currency)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)
                """
            try t.db.run(insert, "pc", "S1", "/r/vm1", "M1", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", "24", "1 Hour", SQLValue.null, SQLValue.null)
            try t.db.run(insert, "pc", "s1", "/r/vm1", "m1", "2026-10-02T00:00:00Z", "2026-10-03T00:00:00Z", "12.5", "1 Hour", SQLValue.null, SQLValue.null)
            try t.db.run(insert, "export", "s2", "/r/kv", "m2", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", "0.0001", "10K", "0.000002", "USD")
            try t.db.run("INSERT INTO cost_centers VALUES ('ops', 'Ops')")
            try t.db.run(
                "INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency, cost_center) SELECT usage_id, '2026-10', 'ops', 1000000 * usage_id, 'USD', 'Ops' FROM usage")
        }
        return t
    }

    static let lines = "SELECT * FROM invoice_lines ORDER BY usage_id"

    @Test func everyRowAndChargeReadsTheSameAfterTheCopy() throws {
        let t = try Self.versionSix()
        let before = try t.db.rows(Self.lines)
        let totals = try t.db.rows("SELECT * FROM charge_totals")
        let usage = try t.db.rows("SELECT * FROM usage ORDER BY usage_id")
        #expect(before.count == 3)
        #expect(try t.db.migrate() == [7])
        #expect(try t.db.rows(Self.lines) == before)
        #expect(try t.db.rows("SELECT * FROM charge_totals") == totals)
        #expect(try t.db.rows("SELECT * FROM usage ORDER BY usage_id") == usage)
        #expect(try t.db.rows("SELECT DISTINCT charge_key, terms_key FROM usage_facts") == [[.integer(0), .null]])
        #expect(try t.db.integrityCheck() == ["ok"])
        #expect(try t.db.rows("PRAGMA foreign_key_check").isEmpty)
        // The triggers are back: a new charge counts, and one past Int64 is refused.
        try t.db.transaction { try t.db.run("UPDATE charge_facts SET amount_micros = amount_micros + 1 WHERE usage_id = 1") }
        #expect(try t.db.scalar("SELECT amount_micros FROM charge_totals WHERE period = '2026-10'")?.int64 == 6_000_001)
        #expect(throws: SQLiteError.self) {
            try t.db.transaction { try t.db.run("UPDATE charge_facts SET amount_micros = 9223372036854775807 WHERE usage_id = 2") }
        }
    }

    /// The key now holds the kind: a Purchase beside the Usage of the same account, meter,
    /// resource and day is a second row, and the same kind again is refused as before.
    @Test func twoKindsOfOneKeyAreTwoRows() throws {
        let t = try Self.versionSix()
        try t.db.migrate()
        try t.db.transaction {
            try t.db.run("INSERT INTO charge_kinds (charge_type, pricing_model, benefit_id) VALUES ('Purchase', 'Reservation', '/r/ri')")
            let kind = t.db.lastInsertRowID
            let copy = """
                INSERT INTO usage_facts (account_key, meter_key, usage_start, resource_key, usage_end, detail_key, quantity, cost, cost_currency, charge_key)
                SELECT account_key, meter_key, usage_start, resource_key, usage_end, detail_key, '1', '3.25', 'USD', ? FROM usage_facts WHERE usage_id = 3
                """
            #expect(try t.db.run(copy, kind) == 1)
            #expect(throws: SQLiteError.self) { try t.db.run(copy, kind) }
        }
        #expect(try t.count("usage_facts") == 4)
    }
}
