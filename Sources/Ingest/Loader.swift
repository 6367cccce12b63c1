import Config
import Extract
import Foundation
import Load
import Marts
import Streams
import Transform
import WarehouseCore

/// The outcome of loading one document.
public struct ImportSummary: Sendable {
    public var file: String
    public var kind: StreamSpec
    public var source: String
    public var records: Int
    public var counts: FactWriter.Counts
    public var newPage: Bool
    public var periods: Set<String>
    public var warnings: [String]
    /// Not decoded: its bytes are already loaded as the current answer of their reported window.
    public var skipped = false

    /// One line for the terminal or a log.
    public var line: String {
        if skipped { return "\(file): \(kind.name) into '\(source)': already loaded, the current answer of its reported window; skipped" }
        return "\(file): \(kind.name) into '\(source)': \(records) records, \(counts.written) rows new or changed, "
            + "\(counts.unchanged) unchanged\(newPage ? "" : " (file already stored)")"
    }
}

/// A document that failed to load: one line naming the file.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { message.hasPrefix(file + ":") ? message : "\(file): \(message)" }
}

/// The one way data comes into the warehouse, for `import`, `etl`, `rebuild` and `credits`: a
/// document is decoded through its stream's declaration (`StreamSpec`) before any transaction,
/// then its raw page, its facts, the billing months it touched (queued in `pending_reprice`) and,
/// for the page that ends a window, its checkpoint are written in one transaction, without a
/// savepoint of their own (`apply` runs in the caller's). The queue is drained by the marts
/// (`RepriceQueue.drain`) once per command or source, not per page.
///
/// `@unchecked Sendable`: the nightly run's fetch tasks share one loader; every use of `db`
/// after `init` holds `lock`, so SQLite sees one writer while decoding runs on both cores.
public final class Loader: @unchecked Sendable {
    let db: Database
    let config: WarehouseConfig
    let lock = NSLock()

    public init(db: Database, config: WarehouseConfig) {
        self.db = db
        self.config = config
    }

    /// Decodes a document, wrapping any failure as an `ImportError` naming `file`.
    public static func decode(_ data: Data, file: String, options: ImportOptions, now: UTCTime) throws -> FactBatch {
        do {
            return try options.kind.decode(data, file: file, options: options, now: now)
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError(file: file, message: "\(error)")
        }
    }

    /// A file's bytes with gzip undone once, for both the decoder and the raw page (the decoder
    /// would otherwise inflate it a second time); a failure names the file.
    static func inflated(_ data: Data, file: String) throws -> Data {
        do {
            return try DocumentReader.inflated(data, file: file)
        } catch {
            throw ImportError(file: file, message: "\(error)")
        }
    }

    /// `warehouse import` of one document: one transaction holds its `etl_runs` row, its raw page,
    /// its facts and the queueing of the months it touches; then they are repriced.
    @discardableResult
    public func importFile(_ data: Data, file: String, options: ImportOptions, now: UTCTime = .now()) throws -> ImportSummary {
        let document = try Loader.inflated(data, file: file)
        let batch = try Loader.decode(document, file: file, options: options, now: now)
        let body = try RawPageStore.PreparedBody(body: document)
        do {
            let summary = try lock.withLock {
                try db.transaction {
                    let log = try RunLog.start(db, command: "import", at: now)
                    let summary = try apply(batch, body: body, file: file, options: options, runID: log.runID, now: now)
                    try log.finish(status: "ok", pages: 1, records: summary.records, detail: Loader.detail(of: [summary], options: options))
                    return summary
                }
            }
            try drain()
            return summary
        } catch {
            throw ImportError(file: file, message: "\(error)")
        }
    }

    /// The nightly run's load of one fetched page, in a transaction of its own: with `checkpoint`,
    /// that stream advances to `to` in the same transaction. With `skipIfStored`, a page already
    /// stored byte for byte is not decoded or applied again (only its checkpoint moves); it returns
    /// nil then.
    public func load(
        _ page: FetchedPage, options: ImportOptions, runID: Int64, checkpoint: (stream: String, to: UTCTime)? = nil, skipIfStored: Bool
    ) throws -> ImportSummary? {
        if skipIfStored {
            let skipped = try lock.withLock {
                guard try RawPageStore(db).contains(source: options.sourceName, stream: options.kind.stream, body: page.body) else { return false }
                if let checkpoint { try advance(options.sourceName, checkpoint, runID: runID, now: page.fetchedAt) }
                return true
            }
            if skipped { return nil }
        }
        let batch = try Loader.decode(page.body, file: page.request, options: options, now: page.fetchedAt)
        let body = try RawPageStore.PreparedBody(body: page.body)
        return try lock.withLock {
            try db.transaction {
                let summary = try apply(batch, body: body, file: page.request, options: options, runID: runID, now: page.fetchedAt)
                if let checkpoint { try advance(options.sourceName, checkpoint, runID: runID, now: page.fetchedAt) }
                return summary
            }
        }
    }

    /// Advances a stream's checkpoint on its own (snapshot streams, after their last page).
    public func advance(source: String, stream: String, to: UTCTime, runID: Int64) throws {
        try lock.withLock {
            try db.transaction { try Checkpoints(db).advance(source: source, stream: stream, to: to, runID: runID) }
        }
    }

    /// The checkpoint of `stream`.
    public func highWater(source: String, stream: String) throws -> UTCTime? {
        try lock.withLock { try Checkpoints(db).highWater(source: source, stream: stream) }
    }

    /// Reprices everything the loads queued (the marts' work), in its own transaction.
    @discardableResult
    public func drain() throws -> RepriceSummary {
        try lock.withLock { try RepriceQueue(db: db).drain(config: config) }
    }

    private func advance(_ source: String, _ checkpoint: (stream: String, to: UTCTime), runID: Int64, now: UTCTime) throws {
        try Checkpoints(db).advance(source: source, stream: checkpoint.stream, to: checkpoint.to, runID: runID, now: now)
    }

    /// Stores the raw page and, when it is new, writes its facts and queues what they touched, in
    /// whatever transaction is open (no savepoint: on SQLite's in-memory journals nested
    /// savepoints cost time quadratic in the transaction's size).
    func apply(
        _ batch: FactBatch, rows: [String: [UsageFactStore.Row]]? = nil, body: RawPageStore.PreparedBody, file: String, options: ImportOptions,
        runID: Int64?, now: UTCTime
    ) throws -> ImportSummary {
        if batch.reportedWindow != nil {
            return try applyReportedWindow(batch, rows: rows, body: body, file: file, options: options, runID: runID, now: now)
        }
        let page = try RawPageStore(db).store(
            source: options.sourceName, stream: options.kind.stream, kind: options.kind.name, request: file, context: options.contextJSON,
            fetchedAt: now, prepared: body, runID: runID)
        return try write(batch, pageID: page.pageID, newPage: page.inserted, file: file, options: options, now: now)
    }

    /// Writes a decoded document's facts for raw page `pageID` and, with `queue`, queues the months
    /// it changed (`rebuild` calls it for pages already stored, and queues its period itself).
    @discardableResult
    func write(
        _ batch: FactBatch, pageID: Int64, newPage: Bool, file: String, options: ImportOptions, now: UTCTime, queue: Bool = true
    ) throws -> ImportSummary {
        var scopes: Set<UsageFactStore.Scope> = []
        let counts = try FactWriter(db: db).write(batch, pageID: pageID, touching: &scopes)
        if queue, counts.written > 0 { try enqueue(batch, scopes: scopes, kind: options.kind, source: options.sourceName, now: now) }
        return ImportSummary(
            file: file, kind: options.kind, source: options.sourceName, records: batch.records, counts: counts, newPage: newPage,
            periods: batch.periods, warnings: batch.warnings)
    }

    /// Queues what the stream's declaration says a change reprices: every month of the source (a
    /// rate card), or the pricing scopes of the usage rows written (with the months of any other
    /// facts the batch holds, whose scopes no usage row names).
    func enqueue(_ batch: FactBatch, scopes: Set<UsageFactStore.Scope>, kind: StreamSpec, source: String, now: UTCTime) throws {
        let queue = RepriceQueue(db: db)
        switch kind.reprice {
        case .none: break
        case .everyMonth: try queue.enqueue(source: source, periods: nil, now: now)
        case .monthsTouched:
            if batch.usage.isEmpty {
                if !batch.periods.isEmpty { try queue.enqueue(source: source, periods: batch.periods, now: now) }
            } else {
                try queue.enqueue(scopes: scopes)
            }
        }
    }

    /// The `etl_runs.detail` of an import batch.
    static func detail(of summaries: [ImportSummary], options: ImportOptions, files: Bool = false) -> [JSONObject.Member] {
        let warnings = summaries.flatMap { s in files ? s.warnings.map { "\(s.file): \($0)" } : s.warnings }
        return [
            files ? RunLog.member("files", summaries.count) : RunLog.member("file", summaries.first?.file),
            RunLog.member("kind", options.kind.name), RunLog.member("source", options.sourceName),
            RunLog.member("written", summaries.reduce(0) { $0 + $1.counts.written }),
            RunLog.member("unchanged", summaries.reduce(0) { $0 + $1.counts.unchanged }), RunLog.member("warnings", warnings),
        ]
    }
}
