import Extract
import Foundation
import Load
import Synchronization
import WarehouseCore

/// Loads the pages of one source's run into the warehouse, one transaction per page: the raw
/// page, its facts, the queueing of the months it touched, and (for the page that completes a
/// window) the checkpoint advance. Pages arrive from several concurrent fetch tasks; decoding
/// runs in the caller's task, and only the short write holds the lock, so both cores work while
/// SQLite sees one writer.
final class PageLoader: @unchecked Sendable {
    // @unchecked: `db` and `counts` are only touched while `lock` is held.
    let lock = NSLock()
    let db: Database
    let importer: Importer
    let runID: Int64
    let source: String
    var counts = Counts()
    let progress: @Sendable (Counts) -> Void

    /// What this source has loaded so far.
    struct Counts: Sendable {
        var pages = 0
        var skipped = 0
        var records = 0
        var written = 0
        var warnings: [String] = []
    }

    init(db: Database, config: WarehouseConfig, runID: Int64, source: String, progress: @escaping @Sendable (Counts) -> Void) {
        self.db = db
        self.importer = Importer(db: db, config: config)
        self.runID = runID
        self.source = source
        self.progress = progress
    }

    var snapshot: Counts { lock.withLock { counts } }

    /// Loads one fetched page as `options.kind`; with `checkpoint`, advances that stream to
    /// `to` in the same transaction. With `skipIfStored`, a page already stored byte for byte is
    /// not decoded or applied again (only its checkpoint moves). Returns whether the page was new.
    @discardableResult
    func load(_ page: FetchedPage, options: ImportOptions, checkpoint: (stream: String, to: UTCTime)? = nil, skipIfStored: Bool) throws -> Bool {
        let stream = options.kind.stream
        if skipIfStored {
            let skipped = try lock.withLock {
                guard try RawPageStore(db).contains(source: source, stream: stream, body: page.body) else { return false }
                if let checkpoint {
                    try Checkpoints(db).advance(source: source, stream: checkpoint.stream, to: checkpoint.to, runID: runID, now: page.fetchedAt)
                }
                counts.pages += 1
                counts.skipped += 1
                progress(counts)
                return true
            }
            if skipped { return false }
        }
        let batch = try Importer.decode(page.body, file: page.request, options: options, now: page.fetchedAt)
        return try lock.withLock {
            let summary = try db.transaction {
                let summary = try importer.load(
                    batch, body: page.body, file: page.request, options: options, runID: runID, now: page.fetchedAt, skipIfStored: skipIfStored)
                if let checkpoint {
                    try Checkpoints(db).advance(source: source, stream: checkpoint.stream, to: checkpoint.to, runID: runID, now: page.fetchedAt)
                }
                return summary
            }
            counts.pages += 1
            counts.records += summary.records
            counts.written += summary.counts.written
            counts.warnings += summary.warnings.prefix(max(0, 20 - counts.warnings.count))
            progress(counts)
            return summary.newPage
        }
    }

    /// Advances a stream's checkpoint on its own (snapshot streams, after their last page).
    func advance(stream: String, to: UTCTime) throws {
        try lock.withLock {
            try db.transaction { try Checkpoints(db).advance(source: source, stream: stream, to: to, runID: runID) }
        }
    }

    /// The checkpoint of `stream`.
    func highWater(_ stream: String) throws -> UTCTime? {
        try lock.withLock { try Checkpoints(db).highWater(source: source, stream: stream) }
    }
}
