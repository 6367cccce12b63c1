import Extract
import Foundation
import Ingest
import Load
import Marts
import Pipeline
import Sandbox
import Streams
import Testing
import WarehouseCore

/// `Importer.importFiles` (issue 9): the same warehouse as importing file by file, idempotent,
/// and the first bad file stops it with the files before it imported and repriced.
struct BulkImportTests {
    /// Generated pages on disk and fresh warehouses next to them, removed afterwards.
    final class Workspace {
        let directory: URL
        let files: [String]

        init(pages: Int, customers: Int = 2) throws {
            directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-bulk-\(UUID().uuidString)")
            files = try UtilizationPageGenerator(seed: 9, customers: customers).write(pages: pages, to: directory.path).files
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func warehouse(_ name: String) throws -> Database { try Database.openWarehouse(path: directory.appending(path: name).path) }
    }

    static let options = ImportOptions(kind: .pcUtilization)
    static let now = UTCTime(year: 2026, month: 11, day: 1)

    /// The tables an import derives, row by row (timestamps of the run log and scopes left out).
    static func content(_ db: Database) throws -> [String] {
        var lines: [String] = []
        for sql in [
            "SELECT * FROM usage ORDER BY usage_id", "SELECT * FROM meters ORDER BY 1, 2", "SELECT * FROM resources ORDER BY 1, 2",
            "SELECT * FROM charges ORDER BY usage_id", "SELECT * FROM invoice_rollup ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
            "SELECT source, account_id, meter_id, period, total_quantity, cost_micros FROM charge_scopes ORDER BY 1, 2, 3, 4",
            "SELECT page_id, content_sha256, byte_count FROM raw_pages ORDER BY 1",
        ] {
            lines += try db.prepare(sql).map { row in row.values.map(\.description).joined(separator: "|") }
        }
        return lines
    }

    @Test func sameWarehouseAsFileByFile() throws {
        let work = try Workspace(pages: 5)
        let bulk = try work.warehouse("bulk.db"), single = try work.warehouse("single.db")
        let summary = try Loader(db: bulk, config: .defaults).importFiles(work.files, options: Self.options, filesPerTransaction: 2, now: Self.now)
        for file in work.files {
            try Loader(db: single, config: .defaults).importFile(
                try Data(contentsOf: URL(fileURLWithPath: file)), file: file, options: Self.options, now: Self.now)
        }
        #expect(summary.files == 5)
        #expect(summary.records == 5000)
        #expect(summary.written > 5000)  // usage rows plus meters and resources
        #expect(summary.transactions == 3)
        #expect(try bulk.scalar("SELECT count(*) FROM usage")?.int64 == 5000)
        #expect(try bulk.scalar("SELECT count(*) FROM charges")?.int64 == 5000)
        #expect(try bulk.scalar("SELECT count(*) FROM etl_runs WHERE status = 'ok'")?.int64 == 3)
        #expect(try Self.content(bulk) == Self.content(single))
    }

    @Test func reimportChangesNoRow() throws {
        let work = try Workspace(pages: 3)
        let db = try work.warehouse("w.db")
        let importer = Loader(db: db, config: .defaults)
        try importer.importFiles(work.files, options: Self.options, now: Self.now)
        let before = try Self.content(db)
        let changes = db.totalChanges
        let again = try importer.importFiles(work.files, options: Self.options, now: Self.now)
        #expect(again.written == 0)
        #expect(again.skipped == 3)
        #expect(again.records == 0)
        #expect(again.repriced.charges == 0)
        #expect(try Self.content(db) == before)
        // Only the run log was written: one etl_runs row inserted and closed.
        #expect(db.totalChanges - changes == 2)
    }

    /// A file is skipped only while its bytes are its window's current answer: once another
    /// answer of the window is loaded, importing the first one again puts its rows back.
    @Test func anEarlierAnswerLoadedAgainReplacesALaterOne() throws {
        let work = try Workspace(pages: 1)
        let db = try work.warehouse("w.db")
        let importer = Loader(db: db, config: .defaults)
        let first = work.files[0]
        let text = try String(contentsOfFile: first, encoding: .utf8)
        let quantity = try #require(text.range(of: #""quantity":[0-9.]+"#, options: .regularExpression))
        let restated = work.directory.appending(path: "restated.json").path
        try text.replacingCharacters(in: quantity, with: #""quantity":123456"#).write(toFile: restated, atomically: true, encoding: .utf8)
        try importer.importFiles([first], options: Self.options, now: Self.now)
        let original = try Self.content(db)
        #expect(try importer.importFiles([restated], options: Self.options, now: Self.now).written > 0)
        #expect(try Self.content(db) != original)
        let again = try importer.importFiles([first], options: Self.options, now: Self.now)
        #expect(again.skipped == 0)
        #expect(try db.scalar("SELECT count(*) FROM usage WHERE quantity = '123456'")?.int64 == 0)
        #expect(try importer.importFiles([first], options: Self.options, now: Self.now).skipped == 1)
    }

    /// A load queues the pricing scopes of the rows it wrote, and only those are repriced; the
    /// result is what repricing everything gives.
    @Test func aLoadRepricesTheScopesItTouchedAndNothingElse() throws {
        let work = try Workspace(pages: 3)
        let db = try work.warehouse("w.db")
        let importer = Loader(db: db, config: .defaults)
        let all = try importer.importFiles(work.files, options: Self.options, now: Self.now)
        let scopes = try #require(try db.scalar("SELECT count(*) FROM charge_scopes")?.int64)
        #expect(all.repriced.scopes == Int(scopes))
        // One record of the last page restated: its window is replaced and its one scope repriced.
        let text = try String(contentsOfFile: work.files[2], encoding: .utf8)
        let quantity = try #require(text.range(of: #""quantity":[0-9.]+"#, options: .regularExpression))
        let restated = work.directory.appending(path: "restated.json").path
        try text.replacingCharacters(in: quantity, with: #""quantity":987.5"#).write(toFile: restated, atomically: true, encoding: .utf8)
        let again = try importer.importFiles([restated], options: Self.options, now: Self.now)
        #expect(again.repriced.scopes == 1)
        #expect(again.repriced.charges > 0 && again.repriced.charges < all.repriced.charges)
        #expect(try db.scalar("SELECT count(*) FROM pending_scopes")?.int64 == 0)
        // Repricing every month from scratch changes nothing: the scope's reprice was complete.
        let before = try Self.content(db)
        let changes = db.totalChanges
        try Repricer(db: db, config: .defaults).reprice(source: nil, periods: nil)
        #expect(db.totalChanges == changes)
        #expect(try Self.content(db) == before)
    }

    @Test func theFirstBadFileStopsTheImportAndChangesNothing() throws {
        let work = try Workspace(pages: 4)
        let bad = work.directory.appending(path: "bad.json").path
        try Data(#"{"items": [ {"usageStartTime": "#.utf8).write(to: URL(fileURLWithPath: bad))
        let files = [work.files[0], work.files[1], bad, work.files[2]]
        let db = try work.warehouse("w.db")
        let error = #expect(throws: ImportError.self) {
            try Loader(db: db, config: .defaults).importFiles(files, options: Self.options, filesPerTransaction: 10, now: Self.now)
        }
        #expect(error?.file == bad)
        #expect(error?.description.contains("bad.json") == true)
        #expect(try db.scalar("SELECT count(*) FROM usage")?.int64 == 2000)
        #expect(try db.scalar("SELECT count(*) FROM raw_pages")?.int64 == 2)
        // The files before it are repriced: nothing left queued, a charge per usage row.
        #expect(try RepriceQueue(db: db).count() == 0)
        #expect(try db.scalar("SELECT count(*) FROM charges")?.int64 == 2000)
    }

    /// A page that reads fine but that SQLite refuses (a record ending before it starts breaks
    /// `usage`'s CHECK): its group is rolled back, the files before it loaded again, and nothing
    /// of it or after it stays.
    @Test func aFileThatCannotBeLoadedRollsBackOnlyItself() throws {
        let work = try Workspace(pages: 3)
        let bad = work.directory.appending(path: "backwards.json").path
        try Data(
            #"{"items":[{"usageStartTime":"2025-02-02T00:00:00+00:00","usageEndTime":"2025-02-01T00:00:00+00:00","resource":{"id":"m1"},"quantity":1}],"links":{"self":{"uri":"customers/c1/subscriptions/s1/utilizations/azure?start_time=2025-02-02T00:00:00Z&end_time=2025-02-03T00:00:00Z"}}}"#
                .utf8
        ).write(to: URL(fileURLWithPath: bad))
        let db = try work.warehouse("w.db")
        let error = #expect(throws: ImportError.self) {
            try Loader(db: db, config: .defaults).importFiles(
                [work.files[0], work.files[1], bad, work.files[2]], options: Self.options, filesPerTransaction: 10, now: Self.now)
        }
        #expect(error?.file == bad)
        #expect(try db.scalar("SELECT count(*) FROM usage")?.int64 == 2000)
        #expect(try db.scalar("SELECT count(*) FROM raw_pages")?.int64 == 2)
        #expect(try db.scalar("SELECT count(*) FROM charges")?.int64 == 2000)
        #expect(try db.scalar("SELECT count(*) FROM etl_runs WHERE status = 'ok'")?.int64 == 2)
        #expect(try db.scalar("SELECT count(*) FROM usage WHERE account_id = 's1'")?.int64 == 0)
    }

    @Test func aFileThatCannotBeReadIsNamed() throws {
        let work = try Workspace(pages: 1)
        let db = try work.warehouse("w.db")
        let missing = work.directory.appending(path: "missing.json").path
        let error = #expect(throws: ImportError.self) {
            try Loader(db: db, config: .defaults).importFiles(work.files + [missing], options: Self.options, now: Self.now)
        }
        #expect(error?.description.hasPrefix(missing + ": cannot read") == true)
        #expect(try db.scalar("SELECT count(*) FROM usage")?.int64 == 1000)
    }
}
