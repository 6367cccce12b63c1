import Extract
import Foundation
import Load
import Transform
import WarehouseCore

extension Importer {
    /// One file read, hashed, compressed and decoded on the prefetch thread.
    struct PreparedFile: Sendable {
        var batch: FactBatch
        var body: RawPageStore.PreparedBody
    }

    /// What `importFiles` did, over all its files.
    public struct BulkSummary: Sendable, Equatable {
        public var files = 0
        public var records = 0
        public var written = 0
        public var unchanged = 0
        public var transactions = 0
        public var repriced = RepriceSummary()
    }

    /// Imports many files of one kind, for backfills of millions of records (issue 9):
    ///
    /// - a second thread reads, hashes, compresses and decodes the next files (a few at most,
    ///   so memory does not grow with the number of files) while this one writes;
    /// - `filesPerTransaction` files share a transaction (and an `etl_runs` row), each file in a
    ///   savepoint of it, through the same cached statements;
    /// - the billing months touched are queued as they are written and repriced once, at the
    ///   end (`RepriceQueue.drain`), instead of once per file.
    ///
    /// `files` name the documents in messages and `raw_pages.request`; `read` gives document `i`'s
    /// bytes (default: the file at `files[i]`), on the prefetch thread.
    ///
    /// Failures keep `importFile`'s contract: the first file that cannot be read or loaded stops
    /// the import with an `ImportError` naming it; it changes nothing, the files before it stay
    /// imported (their transaction is committed and their months repriced).
    @discardableResult
    public func importFiles(
        _ files: [String], options: ImportOptions, filesPerTransaction: Int = 64, now: UTCTime = .now(),
        read: (@Sendable (Int) throws -> Data)? = nil,
        each: (ImportSummary) -> Void = { _ in }
    ) throws -> BulkSummary {
        let prefetch = Prefetcher<PreparedFile>(count: files.count) { index in
            let file = files[index]
            let data: Data
            do {
                data = try read?(index) ?? Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ImportError(file: file, message: "cannot read: \((error as NSError).localizedDescription)")
            }
            let batch = try Importer.decode(data, file: file, options: options, now: now)
            do {
                let body = Zlib.isGzip(data) ? try Zlib.inflate(data) : data
                return PreparedFile(batch: batch, body: try RawPageStore.PreparedBody(body: body))
            } catch {
                throw ImportError(file: file, message: "\(error)")
            }
        }
        defer { prefetch.stop() }
        try BulkPragmas.apply(db)
        defer { BulkPragmas.restore(db) }
        var total = BulkSummary()
        var failure: (any Error)?
        var index = 0
        while index < files.count, failure == nil {
            let end = min(files.count, index + max(1, filesPerTransaction))
            try db.transaction {
                try db.run("INSERT INTO etl_runs (command, started_at, status) VALUES ('import', ?, 'running')", now.iso8601)
                let runID = db.lastInsertRowID
                var group = BulkSummary()
                var warnings: [String] = []
                while index < end {
                    let file = files[index]
                    do {
                        let prepared = try prefetch.take(index).get()
                        let summary = try load(prepared.batch, prepared: prepared.body, file: file, options: options, runID: runID, now: now)
                        group.files += 1
                        group.records += summary.records
                        group.written += summary.counts.written
                        group.unchanged += summary.counts.unchanged
                        warnings += summary.warnings.map { "\(file): \($0)" }
                        each(summary)
                    } catch let error as ImportError {
                        failure = error
                        break
                    } catch {
                        failure = ImportError(file: file, message: "\(error)")
                        break
                    }
                    index += 1
                }
                if group.files == 0 {
                    // The group's first file failed: no run to log (as `importFile` logs none).
                    try db.run("DELETE FROM etl_runs WHERE run_id = ?", runID)
                    return
                }
                try finishRun(runID, group, warnings: warnings, options: options, now: now)
                total.files += group.files
                total.records += group.records
                total.written += group.written
                total.unchanged += group.unchanged
                total.transactions += 1
            }
        }
        total.repriced = try RepriceQueue(db: db).drain(config: config)
        if let failure { throw failure }
        return total
    }

    /// Closes a group's `etl_runs` row: how many files (pages) and records, and what they did.
    private func finishRun(_ runID: Int64, _ group: BulkSummary, warnings: [String], options: ImportOptions, now: UTCTime) throws {
        let detail = JSONValue.object(
            JSONObject([
                .init(key: "files", value: .number(String(group.files))), .init(key: "kind", value: .string(options.kind.rawValue)),
                .init(key: "source", value: .string(options.sourceName)), .init(key: "written", value: .number(String(group.written))),
                .init(key: "unchanged", value: .number(String(group.unchanged))),
                .init(key: "warnings", value: .array(warnings.map { .string($0) })),
            ])
        ).serialized
        try db.run(
            "UPDATE etl_runs SET finished_at = ?, status = 'ok', pages = ?, records = ?, detail = ? WHERE run_id = ?",
            max(UTCTime.now(), now).iso8601, group.files, group.records, detail, runID)
    }
}

/// Connection settings for a bulk import, restored afterwards: statement and savepoint journals
/// in memory (on disk they cost 800,000 small `pwrite` calls per 100,000 charges repriced:
/// each upsert inside a savepoint journals the pages it touches) and a 32 MiB page cache.
enum BulkPragmas {
    static func apply(_ db: Database) throws {
        try db.execute("PRAGMA temp_store = MEMORY")
        try db.execute("PRAGMA cache_size = -32768")
    }

    static func restore(_ db: Database) {
        try? db.execute("PRAGMA temp_store = DEFAULT")
        try? db.execute("PRAGMA cache_size = -2000")
    }
}
