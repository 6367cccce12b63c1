import Foundation
import Load
import TestSupport
import Testing

/// Schema version 5 (issue 15): a version-4 warehouse with usage and charges migrates to the
/// compact facts with every invoice byte for byte as it was.
@Suite struct MigrationVersion5Tests {
    static let now = "2026-11-22T03:00:00Z"

    /// Every invoice of `db` for `periods`: each grouping, JSON and CSV.
    func invoices(_ db: String, periods: [String]) async throws -> [String: String] {
        var result: [String: String] = [:]
        for period in periods {
            for group in ["costCenter", "user", "customer", "subscription", "meter"] {
                for format in ["json", "csv"] {
                    let run = try await CLI.runAsync(["invoice", "--db", db, "--period", period, "--group", group, "--format", format])
                    #expect(run.status == 0, "\(period) \(group) \(format): \(run.stderr)")
                    result["\(period) \(group) \(format)"] = run.stdout
                }
            }
        }
        return result
    }

    /// A version-4 file holding `source`'s rows: made by the migrations up to 4, then every table
    /// they share copied over (`usage` and `charges` from the version-5 views, which keep the
    /// version-4 columns).
    func versionFour(of source: String, at path: String) throws {
        let db = try Database(path: path)
        #expect(try db.migrate(through: 4) == [1, 2, 3, 4])
        try db.execute("PRAGMA foreign_keys = OFF")
        try db.execute("ATTACH DATABASE '\(source)' AS v5")
        let tables = try db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name <> 'schema_version' ORDER BY name")
            .map { $0.string(0) }
        try db.transaction {
            for table in tables {
                let columns = try db.prepare("SELECT name FROM pragma_table_info(?)").bind(table).map { $0.string(0) }.joined(separator: ", ")
                try db.execute("INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM v5.\(table)")
            }
        }
        try db.execute("DETACH DATABASE v5")
        try db.execute("PRAGMA foreign_keys = ON")
        #expect(try db.rows("PRAGMA foreign_key_check").isEmpty)
    }

    @Test func theDemoWarehouseMigratesWithItsInvoicesUnchanged() async throws {
        let dir = try TemporaryDirectory()
        let made = dir.path("made.db")
        let demo = try await CLI.runAsync(["demo", "--db", made, "--now", Self.now], environment: ["no_proxy": "127.0.0.1"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let periods = ["2026-10", "2026-11"]
        let before = try await invoices(made, periods: periods)
        let old = dir.path("v4.db")
        try versionFour(of: made, at: old)
        let counts = try Database(path: old).prepare("SELECT (SELECT count(*) FROM usage), (SELECT count(*) FROM charges)").first { $0.values }
        #expect(counts?.first?.int64 ?? 0 > 1000)

        let migrate = try await CLI.runAsync(["init", "--db", old])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let db = try Database(path: old)
        #expect(try db.schemaVersion() == Migrations.latestVersion)
        #expect(try db.prepare("SELECT (SELECT count(*) FROM usage_facts), (SELECT count(*) FROM charge_facts)").first { $0.values } == counts)
        #expect(try db.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try db.integrityCheck() == ["ok"])
        let after = try await invoices(old, periods: periods)
        #expect(after.count == before.count)
        for (name, text) in before {
            #expect(after[name] == text, "\(name) changed across the migration")
        }
        // Each period's charge totals match its rollup, so the invoice reads the rollup.
        for period in periods {
            #expect(try InvoiceRollup.matchesCharges(db, period: period))
        }
    }

    @Test func aTimeThatWouldNotComeBackTheSameStopsTheMigrationAndChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("v4.db")
        let db = try Database(path: path)
        try db.migrate(through: 4)
        try db.run(
            "INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity) VALUES ('pc', 's', 'r', 'm', '2026-10-01 00:00', '2026-10-02T00:00:00Z', '1')")
        #expect(throws: SchemaError.self) { try db.migrate() }
        #expect(try db.schemaVersion() == 4)
        #expect(try db.scalar("SELECT usage_start FROM usage")?.string == "2026-10-01 00:00")
    }
}
