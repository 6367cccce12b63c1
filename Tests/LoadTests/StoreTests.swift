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

@Suite struct UsageFactStoreTests {
    static func batch() -> [UsageFactStore.Row] {
        (0..<500).map { i in
            let day = String(1 + i % 28).leftPad()
            return UsageFactStore.Row(
                source: "pc", accountID: i % 2 == 0 ? "SUB-1" : "sub-1", resourceID: "/subscriptions/sub-1/resourceGroups/rg/providers/x/\(i)",
                meterID: "meter-\(i % 11)", usageStart: "2026-10-\(day)T00:00:00Z", usageEnd: "2026-10-\(day)T23:59:59Z", quantity: "\(i).25",
                unit: "Hours", customerID: nil, subscriptionID: nil, resourceGroup: "rg", userName: nil, location: nil, tags: "{}", cost: nil,
                costCurrency: nil, pageID: nil, reportedStart: "", reportedEnd: "")
        }
    }

    func snapshot(_ db: Database) throws -> [[SQLValue]] {
        try db.rows("SELECT usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, tags FROM usage ORDER BY usage_id")
    }

    func upsert(_ db: Database, _ rows: [UsageFactStore.Row]) throws -> Int {
        try db.transaction { try rows.filter { try UsageFactStore(db).upsert($0) }.count }
    }

    @Test func upsertingTheSameBatchTwiceChangesNothing() throws {
        let t = try TestWarehouse()
        let rows = Self.batch()
        let firstChanged = try upsert(t.db, rows)
        let before = try snapshot(t.db)
        let totalChangesBefore = t.db.totalChanges
        let secondChanged = try upsert(t.db, rows)
        #expect(firstChanged == before.count)
        #expect(before.count == rows.count)
        #expect(secondChanged == 0)
        #expect(t.db.totalChanges == totalChangesBefore)
        #expect(try snapshot(t.db) == before)
        // One account key for both spellings, shown as first spelled; times back as loaded.
        #expect(try t.db.rows("SELECT account_id, spelling FROM account_keys") == [[.text("sub-1"), .text("SUB-1")]])
        #expect(try t.db.rows("SELECT DISTINCT account_id FROM usage") == [[.text("SUB-1")]])
        #expect(try t.db.scalar("SELECT usage_end FROM usage WHERE usage_id = 1")?.string == "2026-10-01T23:59:59Z")
    }

    @Test func aChangedRecordReplacesItsEarlierVersion() throws {
        let t = try TestWarehouse()
        var row = Self.batch()[0]
        _ = try upsert(t.db, [row])
        row.quantity = "99.5"
        row.accountID = "Sub-1"
        #expect(try upsert(t.db, [row]) == 1)
        #expect(try t.db.rows("SELECT quantity FROM usage") == [[.text("99.5")]])
    }

    @Test(arguments: ["2026-10-02 00:00:00", "2026-10-02T00:00:00.5Z", "2026-10-02T00:00:00+01:00", "yesterday"])
    func aTimeNotInTheCanonicalFormIsRefused(start: String) throws {
        let t = try TestWarehouse()
        var row = Self.batch()[0]
        row.usageStart = start
        #expect(throws: SQLiteError.self) { _ = try upsert(t.db, [row]) }
        #expect(try t.count("usage_facts") == 0)
    }

    @Test func aFailingBatchCommitsNothingAndForgetsItsKeys() throws {
        let t = try TestWarehouse()
        var rows = Self.batch()
        var bad = rows[0]
        bad.usageStart = "2026-10-02T00:00:00Z"
        bad.usageEnd = "2026-10-01T00:00:00Z"  // ends before it starts
        bad.accountID = "sub-9"
        rows.append(bad)
        #expect(throws: SQLiteError.self) { _ = try upsert(t.db, rows) }
        #expect(try t.count("usage") == 0)
        #expect(try t.count("account_keys") == 0)
        // The keys cached in the rolled-back transaction are gone with it.
        #expect(try upsert(t.db, Array(rows.dropLast())) == 500)
        #expect(try t.db.rows("PRAGMA foreign_key_check").isEmpty)
    }
}

extension String {
    fileprivate func leftPad() -> String { count >= 2 ? self : "0" + self }
}
