import Extract
import Foundation
import Load
import Marts
import Streams
import Transform
import WarehouseCore

extension Loader {
    /// One file read, hashed, compressed and decoded on the prefetch thread; or, when its bytes
    /// are already loaded as the current answer of their reported window, only hashed (`skipped`).
    struct PreparedFile: Sendable {
        var batch: FactBatch
        var body: RawPageStore.PreparedBody
        var skipped = false
        /// A reported window's usage as rows (`usageRows`), made here rather than by the writer.
        var rows: [String: [UsageFactStore.Row]]? = nil
    }

    /// What `importFiles` did, over all its files.
    public struct BulkSummary: Sendable, Equatable {
        public var files = 0
        public var records = 0
        public var written = 0
        public var unchanged = 0
        public var transactions = 0
        /// Files not decoded: their bytes were their window's current answer already.
        public var skipped = 0
        public var repriced = RepriceSummary()

        mutating func add(_ summary: ImportSummary) {
            files += 1
            if summary.skipped { skipped += 1 }
            records += summary.records
            written += summary.counts.written
            unchanged += summary.counts.unchanged
        }

        mutating func add(_ group: BulkSummary) {
            files += group.files
            skipped += group.skipped
            records += group.records
            written += group.written
            unchanged += group.unchanged
            transactions += 1
        }
    }

    /// Imports many files of one kind, for backfills of millions of records (issue 9):
    ///
    /// - a second thread reads, hashes, compresses and decodes the next files (a few at most,
    ///   so memory does not grow with the number of files) while this one writes;
    /// - `filesPerTransaction` files share a transaction (and an `etl_runs` row), through the same
    ///   cached statements, without a savepoint per file (see `apply`);
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
        _ files: [String], options: ImportOptions, filesPerTransaction: Int = 16, now: UTCTime = .now(),
        read: (@Sendable (Int) throws -> Data)? = nil,
        each: (ImportSummary) -> Void = { _ in }
    ) throws -> BulkSummary {
        let loaded = try lock.withLock { try currentAnswers(options) }
        let prefetch = Prefetcher<PreparedFile>(count: files.count) { index in
            let file = files[index]
            let data: Data
            do {
                data = try read?(index) ?? Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ImportError(file: file, message: "cannot read: \((error as NSError).localizedDescription)")
            }
            let document = try Loader.inflated(data, file: file)
            let sha = SHA256Digest.hex(document)
            if loaded.contains(sha) {
                let body = RawPageStore.PreparedBody(sha256: sha, byteCount: document.count, compressed: Data())
                return PreparedFile(batch: FactBatch(), body: body, skipped: true)
            }
            let batch = try Loader.decode(document, file: file, options: options, now: now)
            do {
                let rows = batch.reportedWindow == nil ? nil : Loader.usageRows(batch)
                return PreparedFile(batch: batch, body: try RawPageStore.PreparedBody(sha256: sha, body: document), rows: rows)
            } catch {
                throw ImportError(file: file, message: "\(error)")
            }
        }
        defer { prefetch.stop() }
        lock.lock()
        defer { lock.unlock() }
        try BulkPragmas.apply(db)
        defer { BulkPragmas.restore(db) }
        var total = BulkSummary()
        var failure: (any Error)?
        var index = 0
        while index < files.count, failure == nil {
            let end = min(files.count, index + max(1, filesPerTransaction))
            // The group's files, kept until it commits: if one fails to load, the group is rolled
            // back and the files before it are loaded again, one transaction each.
            var group: [(file: String, prepared: PreparedFile)] = []
            var loadFailure: (any Error)?
            var committed = BulkSummary()
            // Reported only once their transaction has committed: a line printed is a file stored.
            var reports: [ImportSummary] = []
            do {
                try db.transaction {
                    let log = try RunLog.start(db, command: "import", at: now)
                    var sums = BulkSummary()
                    while index < end {
                        let file = files[index]
                        let prepared: PreparedFile
                        do {
                            prepared = try prefetch.take(index).get()
                        } catch {
                            failure = error as? ImportError ?? ImportError(file: file, message: "\(error)")
                            break
                        }
                        let summary = try prepared.skipped
                            ? skippedSummary(file: file, options: options)
                            : apply(prepared.batch, rows: prepared.rows, body: prepared.body, file: file, options: options, runID: log.runID, now: now)
                        group.append((file, prepared))
                        sums.add(summary)
                        reports.append(summary)
                        index += 1
                    }
                    if sums.files == 0 {
                        // The group's first file failed: no run to log (as `importFile` logs none).
                        try log.discard()
                        return
                    }
                    try finish(log, sums, reports, options: options)
                    committed = sums
                }
                if committed.files > 0 {
                    total.add(committed)
                    reports.forEach(each)
                }
            } catch {
                loadFailure = error
            }
            if let loadFailure {
                // Rolled back: the files before the failing one again, one transaction each.
                for (file, prepared) in group where !prepared.skipped {
                    try db.transaction {
                        let log = try RunLog.start(db, command: "import", at: now)
                        var sums = BulkSummary()
                        let summary = try apply(prepared.batch, rows: prepared.rows, body: prepared.body, file: file, options: options, runID: log.runID, now: now)
                        sums.add(summary)
                        try finish(log, sums, [summary], options: options)
                        total.add(sums)
                        reports = [summary]
                    }
                    reports.forEach(each)
                }
                let file = files[index]
                failure = loadFailure as? ImportError ?? ImportError(file: file, message: "\(loadFailure)")
            }
        }
        total.repriced = try RepriceQueue(db: db).drain(config: config)  // under `lock`, held above
        if let failure { throw failure }
        return total
    }

    /// The SHA-256 of every stored page that is the current answer of its reported window, for a
    /// stream whose re-pull replaces a window: a file with those bytes loaded again would replace
    /// its window with the answer it already has, so it is skipped before any decoding. (Pages of
    /// other streams are decoded and upserted again: a later file may have re-stated their rows,
    /// and loading an earlier one again puts its values back, as it always has.)
    private func currentAnswers(_ options: ImportOptions) throws -> Set<String> {
        guard options.kind.replaces == .reportedWindow else { return [] }
        return Set(try db.prepare("""
            SELECT p.content_sha256 FROM raw_pages p
            WHERE p.source = ?1 AND p.stream = ?2 AND p.page_id IN (
                SELECT CAST(j.value AS bigint) FROM reported_windows w, \(db.dialect.jsonArray("w.page_ids", as: "j")) WHERE w.source = ?1)
            """).bind(options.sourceName, options.kind.stream).map { $0.string(0) })
    }

    /// What importing a skipped file did: nothing, its bytes being its window's current answer.
    private func skippedSummary(file: String, options: ImportOptions) -> ImportSummary {
        ImportSummary(
            file: file, kind: options.kind, source: options.sourceName, records: 0, counts: FactWriter.Counts(), newPage: false,
            periods: [], warnings: [], skipped: true)
    }

    /// Closes a group's `etl_runs` row: how many files (pages) and records, and what they did.
    private func finish(_ log: RunLog, _ group: BulkSummary, _ summaries: [ImportSummary], options: ImportOptions) throws {
        try log.finish(
            status: "ok", pages: group.files, records: group.records, detail: Loader.detail(of: summaries, options: options, files: true))
    }
}

/// Connection settings for a bulk import, restored afterwards: statement journals in memory (in
/// files they cost 20 µs of `pwrite`s per row written or repriced) and a 16 MiB page cache
/// (SQLite's default 2 MiB misses on every other index page of a big `usage`).
enum BulkPragmas {
    static func apply(_ db: Database) throws {
        guard db.remote == nil else { return }
        try db.execute("PRAGMA temp_store = MEMORY")
        try db.execute("PRAGMA cache_size = -16384")
    }

    static func restore(_ db: Database) {
        guard db.remote == nil else { return }
        try? db.execute("PRAGMA temp_store = DEFAULT")
        try? db.execute("PRAGMA cache_size = -2000")
    }
}
