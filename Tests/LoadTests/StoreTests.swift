import Foundation
import Load
import TestSupport
import Testing
import WarehouseCore

@Suite struct RawPageStoreTests {
    @Test func storesOnceAndReadsBackExactBytes() throws {
        let t = try TestWarehouse()
        let store = RawPageStore(t.db)
        let body = Data("\u{FEFF}{\"items\":[1,2,3]}".utf8)
        let first = try store.store(source: "pc", stream: "utilization", kind: "pc-utilization", request: "file.json", body: body)
        let second = try store.store(source: "pc", stream: "utilization", kind: "pc-utilization", request: "file.json", body: body)
        #expect(first.inserted)
        #expect(!second.inserted)
        #expect(first.pageID == second.pageID)
        #expect(try store.body(first.pageID) == body)
        #expect(try t.count("raw_pages") == 1)
        let stored = try #require(try t.db.scalar("SELECT content_sha256 FROM raw_pages")?.string)
        #expect(stored == SHA256Digest.hex(body))
    }

    @Test func bodyIsStoredCompressed() throws {
        let t = try TestWarehouse()
        let body = Data(String(repeating: "{\"quantity\":0.0053}", count: 5000).utf8)
        let page = try RawPageStore(t.db).store(source: "s", stream: "x", kind: "k", request: "r", body: body)
        let storedBytes = try #require(try t.db.scalar("SELECT length(body) FROM raw_pages WHERE page_id = ?", page.pageID)?.int64)
        #expect(storedBytes < Int64(body.count / 10))
    }

    @Test func emptyBodyRoundTrips() throws {
        let t = try TestWarehouse()
        let store = RawPageStore(t.db)
        let page = try store.store(source: "s", stream: "x", kind: "k", request: "r", body: Data())
        #expect(try store.body(page.pageID) == Data())
    }

    @Test func corruptionIsDetected() throws {
        let t = try TestWarehouse()
        let store = RawPageStore(t.db)
        let page = try store.store(source: "s", stream: "x", kind: "k", request: "r", body: Data("original".utf8))
        try t.db.run("UPDATE raw_pages SET body = ? WHERE page_id = ?", try Zlib.deflate(Data("tampered".utf8)), page.pageID)
        #expect(throws: SQLiteError.self) { try store.body(page.pageID) }
    }
}

@Suite struct BulkUpsertTests {
    static func batch() -> [[any SQLBindable]] {
        (0..<500).map { i in
            ["pc", "sub-1", "/subscriptions/sub-1/resourceGroups/rg/providers/x/\(i)", "meter-\(i % 11)",
             "2026-10-\(String(1 + i % 28).leftPad())T00:00:00Z", "2026-10-\(String(1 + i % 28).leftPad())T23:59:59Z",
             "\(i).25", "Hours", "{}", "", ""] as [any SQLBindable]
        }
    }

    static let columns = [
        "source", "account_id", "resource_id", "meter_id", "usage_start", "usage_end", "quantity", "unit", "tags", "reported_start", "reported_end",
    ]
    static let key = ["source", "account_id", "resource_id", "meter_id", "usage_start", "usage_end", "reported_start", "reported_end"]

    func snapshot(_ db: Database) throws -> [[SQLValue]] {
        try db.rows("SELECT usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, tags FROM usage ORDER BY usage_id")
    }

    @Test func upsertingTheSameBatchTwiceChangesNothing() throws {
        let t = try TestWarehouse()
        let rows = Self.batch()
        let firstChanged = try t.db.transaction {
            try BulkUpsert(t.db, table: "usage", columns: Self.columns, key: Self.key).upsert(rows: rows)
        }
        let before = try snapshot(t.db)
        let totalChangesBefore = t.db.totalChanges
        let secondChanged = try t.db.transaction {
            try BulkUpsert(t.db, table: "usage", columns: Self.columns, key: Self.key).upsert(rows: rows)
        }
        #expect(firstChanged == before.count)
        #expect(before.count == rows.count)
        #expect(secondChanged == 0)
        #expect(t.db.totalChanges == totalChangesBefore)
        #expect(try snapshot(t.db) == before)
    }

    @Test func aChangedRecordReplacesItsEarlierVersion() throws {
        let t = try TestWarehouse()
        var row = Self.batch()[0]
        try t.db.transaction { _ = try BulkUpsert(t.db, table: "usage", columns: Self.columns, key: Self.key).upsert(row) }
        row[6] = "99.5"
        let changed = try t.db.transaction { try BulkUpsert(t.db, table: "usage", columns: Self.columns, key: Self.key).upsert(row) }
        #expect(changed)
        #expect(try t.db.rows("SELECT quantity FROM usage") == [[.text("99.5")]])
    }

    @Test func aFailingBatchCommitsNothing() throws {
        let t = try TestWarehouse()
        var rows = Self.batch()
        rows.append(["pc", "sub-1", "r", "m", "2026-10-02T00:00:00Z", "2026-10-01T00:00:00Z", "1", "Hours", "{}", "", ""])  // ends before it starts
        #expect(throws: SQLiteError.self) {
            try t.db.transaction {
                try BulkUpsert(t.db, table: "usage", columns: Self.columns, key: Self.key).upsert(rows: rows)
            }
        }
        #expect(try t.count("usage") == 0)
    }
}

extension String {
    fileprivate func leftPad() -> String { count >= 2 ? self : "0" + self }
}
