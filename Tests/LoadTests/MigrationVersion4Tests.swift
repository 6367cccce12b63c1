import Foundation
import Load
import TestSupport
import Testing
import WarehouseCore

/// Version 4 (reported windows) on a version-3 warehouse with data: every usage row keeps its
/// id, values and charge, and gets the reported window of the raw page that loaded it.
@Suite struct MigrationVersion4Tests {
    /// A version-3 file (migrations 1–3 applied as released).
    static func versionThree() throws -> TestWarehouse {
        let t = try TestWarehouse(migrated: false)
        try t.db.transaction {
            for migration in Migrations.all where migration.version <= 3 {
                try t.db.execute(migration.sql)
                try t.db.run("INSERT INTO schema_version VALUES (?, '2026-01-01T00:00:00Z')", migration.version)
            }
        }
        return t
    }

    static let etlPC = "http://pc/v1/customers/c/subscriptions/s1/utilizations/azure?start_time=2026-10-02T00%3A00%3A00Z&end_time=2026-10-03T00%3A00%3A00Z"
    static let body = #"{"items":[],"links":{"self":{"uri":"customers/c/subscriptions/s2/utilizations/azure?start_time=2026-10-05T00:00:00Z&amp;end_time=2026-10-06T00:00:00Z"}}}"#

    /// Pages of each kind the warehouse stored before, and one usage row loaded by each.
    static func fill(_ db: Database) throws {
        try db.transaction {
            try db.run("INSERT INTO etl_runs (command, started_at, status) VALUES ('etl', '2026-10-03T03:00:00Z', 'running')")
            try db.run("INSERT INTO etl_runs (command, started_at, status) VALUES ('import', '2026-10-07T03:00:00Z', 'running')")
            let store = RawPageStore(db)
            let pages: [(String, String, String, String, Int64)] = [
                ("pc", "pc-utilization", etlPC, "{\"n\":1}", 1),  // the window in its request
                ("pc", "pc-utilization", "http://pc/v1/customers/c/subscriptions/s1/utilizations/azure?seek_operation=Next", "{\"n\":2}", 1),
                ("pc", "pc-utilization", "page.json", body, 2),  // the window in its body
                ("az", "azure-usage", "http://az/subscriptions/s3/providers/Microsoft.Commerce/UsageAggregates?reportedStartTime=2026-10-04T00%3A00%3A00Z&reportedEndTime=2026-10-05T00%3A00%3A00Z", "{\"n\":3}", 1),
                ("az", "azure-usage", "usage.json", "{\"n\":4}", 2),  // nowhere: the fallback
                ("ag", "agol-usage", "http://ag/usage?startTime=1", "{\"n\":5}", 1),
            ]
            for (i, page) in pages.enumerated() {
                let stored = try store.store(
                    source: page.0, stream: page.1 == "agol-usage" ? "usage" : "utilization", kind: page.1, request: page.2,
                    context: "{}", body: Data(page.3.utf8), runID: page.4)
                let account = ["s1", "s1", "s2", "s3", "s3", "org"][i]
                try db.run(
                    "INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, page_id) VALUES (?, ?, ?, 'm', ?, ?, ?, ?)",
                    page.0, account, "r\(i)", "2026-10-0\(i + 1)T00:00:00Z", "2026-10-0\(i + 2)T00:00:00Z", "\(i + 1)", stored.pageID)
            }
            // A page that loaded no row and names no window.
            _ = try store.store(
                source: "az2", stream: "utilization", kind: "azure-usage", request: "empty.json", context: "{}", fetchedAt: UTCTime(year: 2026, month: 10, day: 8),
                body: Data(#"{"value":[]}"#.utf8), runID: 2)
            try db.run("INSERT INTO cost_centers VALUES ('ops', 'Ops')")
            try db.run("INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) SELECT usage_id, '2026-10', 'ops', 100, 'USD' FROM usage")
        }
    }

    @Test func rowsKeepTheirChargesAndGetTheirPagesWindow() throws {
        let t = try Self.versionThree()
        try Self.fill(t.db)
        let before = try t.db.rows("SELECT usage_id, source, account_id, resource_id, quantity FROM usage ORDER BY usage_id")
        #expect(try t.db.migrate() == [4, 5, 6, 7])
        #expect(try t.db.rows("SELECT usage_id, source, account_id, resource_id, quantity FROM usage ORDER BY usage_id") == before)
        #expect(try t.count("charges") == 6)
        #expect(try t.db.rows("PRAGMA foreign_key_check").isEmpty)
        #expect(try t.db.integrityCheck() == ["ok"])
        let windows = try t.db.rows("SELECT resource_id, reported_start, reported_end FROM usage ORDER BY usage_id").map { $0.map(\.description) }
        #expect(windows == [
            ["r0", "2026-10-02T00:00:00Z", "2026-10-03T00:00:00Z"],  // its request
            ["r1", "2026-10-02T00:00:00Z", "2026-10-03T00:00:00Z"],  // the page before it in the run (a continuation)
            ["r2", "2026-10-05T00:00:00Z", "2026-10-06T00:00:00Z"],  // its body's links.self
            ["r3", "2026-10-04T00:00:00Z", "2026-10-05T00:00:00Z"],  // its request
            ["r4", "2026-10-05T00:00:00Z", "2026-10-06T00:00:00Z"],  // fallback: the usage days of its rows
            ["r5", "", ""],  // ArcGIS Online: a usage bucket, no window
        ])
        // Rebuild reads each page with its window, and each window knows its pages.
        #expect(try t.db.scalar("SELECT json_extract(context, '$.reported_start') FROM raw_pages WHERE page_id = 2")?.string == "2026-10-02T00:00:00Z")
        #expect(try t.count("reported_windows") == 4)
        #expect(try t.db.scalar("SELECT json_extract(context, '$.reported_start') FROM raw_pages WHERE request = 'empty.json'")?.string == "2026-10-08T00:00:00Z")
        #expect(try t.db.scalar("SELECT page_ids FROM reported_windows WHERE account_id = 's1'")?.string == "[1,2]")
        // The new identity: the same key reported in another window is another row.
        try t.db.transaction {
            try t.db.run(
                "INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, reported_start, reported_end) SELECT source, account_id, resource_id, meter_id, usage_start, usage_end, '9', '2026-10-09T00:00:00Z', '2026-10-10T00:00:00Z' FROM usage WHERE usage_id = 1")
        }
        #expect(try t.count("usage") == 7)
        for view in ["invoice_lines", "usage_daily", "unpriced_usage", "cost_by_cost_center_month"] {
            _ = try t.db.rows("SELECT * FROM \(view)")
        }
    }
}
