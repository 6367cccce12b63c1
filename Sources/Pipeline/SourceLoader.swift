import Extract
import Foundation
import Ingest
import Streams
import Synchronization
import WarehouseCore

/// One source's side of a run: loads its pages through the warehouse's one `Loader` (a
/// transaction per page, the checkpoint with the page that ends a window) and counts what they
/// did for the run's record and the progress line. Pages arrive from several concurrent fetch
/// tasks; the loader serializes the writes.
final class SourceLoader: Sendable {
    private let loader: Loader
    let runID: Int64
    let source: String
    private let counts = Mutex(Counts())
    private let progress: @Sendable (Counts) -> Void

    /// What this source has loaded so far.
    struct Counts: Sendable {
        var pages = 0
        var skipped = 0
        var records = 0
        var written = 0
        var warnings: [String] = []
    }

    init(loader: Loader, runID: Int64, source: String, progress: @escaping @Sendable (Counts) -> Void) {
        self.loader = loader
        self.runID = runID
        self.source = source
        self.progress = progress
    }

    var snapshot: Counts { counts.withLock { $0 } }

    /// Loads one fetched page as `options.kind`; with `checkpoint`, advances that stream to `to`
    /// in the same transaction. With `skipIfStored`, a page already stored byte for byte is not
    /// decoded or applied again (only its checkpoint moves). Returns whether the page was new.
    @discardableResult
    func load(_ page: FetchedPage, options: ImportOptions, checkpoint: (stream: String, to: UTCTime)? = nil, skipIfStored: Bool) throws -> Bool {
        let summary = try loader.load(page, options: options, runID: runID, checkpoint: checkpoint, skipIfStored: skipIfStored)
        if let summary {
            count(pages: 1, records: summary.records, written: summary.counts.written, warnings: summary.warnings)
        } else {
            count(pages: 1, skipped: 1)
        }
        return summary?.newPage ?? false
    }

    /// Loads a reported window's whole answer (`Loader.loadWindow`), its checkpoint with it.
    func loadWindow(_ pages: [FetchedPage], options: ImportOptions, checkpoint: (stream: String, to: UTCTime)) throws {
        let load = try loader.loadWindow(pages, options: options, runID: runID, checkpoint: checkpoint)
        count(pages: load.pages, records: load.records, written: load.counts.written, warnings: load.warnings)
    }

    /// Adds what a load did to the source's counts (the first 20 warnings kept) and shows them.
    private func count(pages: Int, skipped: Int = 0, records: Int = 0, written: Int = 0, warnings: [String] = []) {
        let now = counts.withLock { counts in
            counts.pages += pages
            counts.skipped += skipped
            counts.records += records
            counts.written += written
            counts.warnings += warnings.prefix(max(0, 20 - counts.warnings.count))
            return counts
        }
        progress(now)
    }

    /// Advances a stream's checkpoint on its own (snapshot streams, after their last page).
    func advance(stream: String, to: UTCTime) throws {
        try loader.advance(source: source, stream: stream, to: to, runID: runID)
    }

    /// The checkpoint of `stream`.
    func highWater(_ stream: String) throws -> UTCTime? {
        try loader.highWater(source: source, stream: stream)
    }
}
