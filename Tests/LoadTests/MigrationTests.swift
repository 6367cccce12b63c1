import Foundation
import Load
import TestSupport
import Testing

@Suite struct MigrationTests {
    @Test func migratingTwiceIsANoOp() throws {
        let t = try TestWarehouse(migrated: false)
        #expect(try t.db.migrate() == Migrations.all.map(\.version))
        #expect(try t.db.migrate() == [])
        #expect(try t.count("schema_version") == Int64(Migrations.all.count))
        #expect(try t.db.integrityCheck() == ["ok"])
        #expect(try t.db.schemaVersion() == Migrations.latestVersion)
    }

    @Test func aVersionOneFileMigratesKeepingItsRows() throws {
        let t = try TestWarehouse(migrated: false)
        try t.db.transaction {
            try t.db.execute(Migrations.schemaSQL)
            try t.db.run("INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00Z')")
            try t.db.run("INSERT INTO etl_runs (command, started_at, status, finished_at) VALUES ('import', '2026-01-01T00:00:00Z', 'ok', '2026-01-01T00:00:01Z')")
        }
        #expect(try t.db.migrate() == Array(Migrations.all.map(\.version).dropFirst()))
        #expect(try t.count("etl_runs") == 1)
        #expect(try t.count("pending_reprice") == 0)
        #expect(throws: SQLiteError.self) {
            try t.db.run("INSERT INTO pending_reprice VALUES ('s', '2026-13-x', '2026-01-01T00:00:00Z')")
        }
    }

    @Test func everyTableInSchemaIsCommented() throws {
        // schema.sql documents each table with a comment right above it.
        let lines = Migrations.schemaSQL.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() where line.hasPrefix("CREATE TABLE") || line.hasPrefix("CREATE VIEW") {
            #expect(index > 0 && lines[index - 1].hasPrefix("--"), "no comment above: \(line)")
        }
    }

    @Test func aForeignDatabaseIsNotTouched() throws {
        let t = try TestWarehouse(migrated: false)
        try t.db.execute("CREATE TABLE mine (x)")
        let error = try #require(throws: SchemaError.self) { try t.db.migrate() }
        #expect(error.message.contains("not a warehouse file"))
        #expect(try t.db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'usage'")?.int64 == 0)
    }

    @Test func aNewerSchemaIsRefused() throws {
        let t = try TestWarehouse()
        try t.db.run("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00Z')")
        let error = try #require(throws: SchemaError.self) { try t.db.migrate() }
        #expect(error.message.contains("newer"))
    }

    @Test func readOnlyOpenOfMissingFileSaysWhatToDo() {
        let error = #expect(throws: SchemaError.self) {
            try Database.openWarehouseReadOnly(path: "/nonexistent/dir/w.db")
        }
        #expect(error?.message.contains("warehouse init") == true)
    }

    @Test func viewsAreQueryable() throws {
        let t = try TestWarehouse()
        for view in ["invoice_lines", "usage_daily", "credits_by_user_month", "cost_by_cost_center_month", "unpriced_usage",
                     "latest_credit_budgets", "last_runs"] {
            #expect(try t.db.prepare("SELECT * FROM \(view)").map { $0.count }.isEmpty)
        }
        let columns = try t.db.prepare("SELECT * FROM invoice_lines").columnNames
        for required in ["period", "source", "cost_center", "user_name", "customer_id", "subscription_id", "resource_group",
                         "resource_id", "meter_id", "meter_name", "quantity", "unit", "amount_micros", "currency", "priced"] {
            #expect(columns.contains(required), "invoice_lines lacks \(required)")
        }
    }
}
