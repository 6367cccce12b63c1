import Extract
import Foundation
import Load
import Transform
import WarehouseCore

extension ImportKind {
    /// How a re-pull of the stream relates to what it loaded before (docs/contracts/reported-windows.md):
    /// Partner Center utilization and UsageAggregates answer *reported windows* (late usage adds
    /// up; a re-pulled window replaces that window's earlier answer); every other usage stream's
    /// buckets are totals that a re-pull re-states.
    public var usageRestatement: UsageRestatement {
        switch self {
        case .pcUtilization, .azureUsage: return .reportedWindow
        default: return .usageBucket
        }
    }
}

/// One page of a reported window's answer, decoded, with its raw page once stored.
struct WindowPage {
    var batch: FactBatch
    var pageID: Int64
}

/// What loading a reported window's answer did.
struct WindowLoad {
    var records = 0
    var counts = FactWriter.Counts()
    var outcome = ReportedWindowStore.Outcome()
    var warnings: [String] = []
}

extension Importer {
    /// `warehouse import` of one utilization or UsageAggregates page: the page is its window's
    /// whole answer and replaces what that window's earlier answer loaded. A page that says more
    /// pages follow is refused: replacing the window with part of its answer would drop the rest.
    func applyReportedWindow(
        _ batch: FactBatch, file: String, options: ImportOptions, now: UTCTime, storePage: (RawPageStore) throws -> (pageID: Int64, inserted: Bool)
    ) throws -> ImportSummary {
        if batch.answerContinues {
            throw ImportError(
                file: file,
                message: "this page is one of several of its reported window's answer (it has links.next or nextLink): "
                    + "put the items of all its pages in one file and import that")
        }
        let page = try storePage(RawPageStore(db))
        let runID = try db.scalar("SELECT run_id FROM raw_pages WHERE page_id = ?", page.pageID)?.int64
        let load = try replaceWindow([WindowPage(batch: batch, pageID: page.pageID)], options: options, runID: runID, now: now)
        return ImportSummary(
            file: file, kind: options.kind, source: options.sourceName, records: batch.records, counts: load.counts, newPage: page.inserted,
            periods: load.outcome.periods, warnings: batch.warnings + load.warnings)
    }

    /// Replaces a reported window's rows with the answer `pages` make up together (records with
    /// the same key on several pages add up, as within one page), inside the caller's
    /// transaction; dimensions are upserted as usual and the months touched are queued.
    func replaceWindow(_ pages: [WindowPage], options: ImportOptions, runID: Int64?, now: UTCTime) throws -> WindowLoad {
        guard let window = pages.first?.batch.reportedWindow else { return WindowLoad() }
        var load = WindowLoad()
        var merged = FactBatch()
        var accounts = Set<String>()
        let writer = FactWriter(db: db)
        for page in pages {
            guard page.batch.reportedWindow == window else {
                throw ImportError(file: "reported window \(window)", message: "its pages name different reported windows")
            }
            var dimensions = page.batch
            dimensions.retainUsage { _ in false }
            let counts = try writer.write(dimensions, pageID: page.pageID)
            load.counts.written += counts.written
            load.counts.unchanged += counts.unchanged
            merged.addRecords(of: page.batch)
            accounts.formUnion(page.batch.reportedAccounts)
            load.records += page.batch.records
            load.warnings += page.batch.warnings
        }
        let byAccount = Dictionary(grouping: merged.usage) { $0.accountID.lowercased() }
        let store = ReportedWindowStore(db)
        let firstPage = pages[0].pageID
        for account in accounts.union(byAccount.keys).sorted() {
            let key = ReportedWindowStore.Window(
                source: options.sourceName, accountID: account, start: window.start.iso8601, end: window.end.iso8601)
            let rows = (byAccount[account] ?? []).map { FactWriter.usageRow($0, pageID: firstPage) }
            let outcome = try store.replace(key, rows: rows, pageIDs: pages.map(\.pageID), runID: runID, now: now)
            if outcome.restated {
                load.warnings.append(
                    "reported window \(window.start.iso8601)..\(window.end.iso8601) of \(account) was answered differently than before: "
                        + "\(outcome.changed) rows changed, \(outcome.removed) removed, \(outcome.added) added")
            }
            load.outcome.added += outcome.added
            load.outcome.changed += outcome.changed
            load.outcome.removed += outcome.removed
            load.outcome.unchanged += outcome.unchanged
            load.outcome.periods.formUnion(outcome.periods)
        }
        load.counts.written += load.outcome.written
        load.counts.unchanged += load.outcome.unchanged
        if !load.outcome.periods.isEmpty {
            try RepriceQueue(db: db).enqueue(source: options.sourceName, periods: load.outcome.periods, now: now)
        }
        return load
    }
}

extension PageLoader {
    /// Loads a reported window's whole answer (every page the API gave for it) in one
    /// transaction: the raw pages, the replacement of the window's rows, and the checkpoint.
    /// Never skipped when stored: replacing a window with the same answer changes nothing, and a
    /// window's answer may return to an earlier one.
    func loadWindow(_ pages: [FetchedPage], options: ImportOptions, checkpoint: (stream: String, to: UTCTime)) throws {
        guard let last = pages.last else { return }
        let batches = try pages.map { try Importer.decode($0.body, file: $0.request, options: options, now: $0.fetchedAt) }
        try lock.withLock {
            let load = try db.transaction {
                let store = RawPageStore(db)
                var decoded: [WindowPage] = []
                for (page, batch) in zip(pages, batches) {
                    let body = Zlib.isGzip(page.body) ? (try? Zlib.inflate(page.body)) ?? page.body : page.body
                    let stored = try store.store(
                        source: source, stream: options.kind.stream, kind: options.kind.rawValue, request: page.request,
                        context: options.contextJSON, fetchedAt: page.fetchedAt, body: body, runID: runID)
                    decoded.append(WindowPage(batch: batch, pageID: stored.pageID))
                }
                let load = try importer.replaceWindow(decoded, options: options, runID: runID, now: last.fetchedAt)
                try Checkpoints(db).advance(source: source, stream: checkpoint.stream, to: checkpoint.to, runID: runID, now: last.fetchedAt)
                return load
            }
            counts.pages += pages.count
            counts.records += load.records
            counts.written += load.counts.written
            counts.warnings += load.warnings.prefix(max(0, 20 - counts.warnings.count))
            progress(counts)
        }
    }
}
