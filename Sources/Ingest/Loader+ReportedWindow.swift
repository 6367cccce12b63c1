import Extract
import Foundation
import Load
import Marts
import Streams
import Transform
import WarehouseCore

/// One page of a reported window's answer, decoded, with its raw page once stored.
struct WindowPage {
    var batch: FactBatch
    var pageID: Int64
    /// The batch's usage as rows grouped by account (`Loader.usageRows`), when the prefetch thread
    /// made them; `pageID` is set when they are written.
    var rows: [String: [UsageFactStore.Row]]? = nil
}

/// What loading a reported window's answer did.
public struct WindowLoad: Sendable {
    public var pages = 0
    public var records = 0
    public var counts = FactWriter.Counts()
    var outcome = ReportedWindowStore.Outcome()
    public var warnings: [String] = []
}

/// Streams whose re-pull replaces a *reported window* (`StreamSpec.Replacement.reportedWindow`:
/// Partner Center utilization, Azure Commerce UsageAggregates). Late usage is more usage, in a
/// later window; asking about a window again replaces exactly what its earlier answer loaded
/// (docs/contracts/reported-windows.md, quoting Microsoft Learn).
extension Loader {
    /// `warehouse import` of one utilization or UsageAggregates page, in the open transaction: the
    /// page is its window's whole answer and replaces what that window's earlier answer loaded. A
    /// page that says more pages follow is refused: replacing the window with part of its answer
    /// would drop the rest.
    func applyReportedWindow(
        _ batch: FactBatch, rows: [String: [UsageFactStore.Row]]?, body: RawPageStore.PreparedBody, file: String, options: ImportOptions,
        runID: Int64?, now: UTCTime
    ) throws -> ImportSummary {
        if batch.answerContinues {
            throw ImportError(
                file: file,
                message: "this page is one of several of its reported window's answer (it has links.next or nextLink): "
                    + "put the items of all its pages in one file and import that")
        }
        let page = try RawPageStore(db).store(
            source: options.sourceName, stream: options.kind.stream, kind: options.kind.name, request: file, context: options.contextJSON,
            fetchedAt: now, prepared: body, runID: runID)
        let load = try replaceWindow([WindowPage(batch: batch, pageID: page.pageID, rows: rows)], options: options, runID: runID, now: now)
        return ImportSummary(
            file: file, kind: options.kind, source: options.sourceName, records: batch.records, counts: load.counts, newPage: page.inserted,
            periods: load.outcome.periods, warnings: batch.warnings + load.warnings)
    }

    /// The nightly run's load of a reported window's whole answer (every page the API gave for
    /// it), in one transaction of its own: the raw pages, the replacement of the window's rows and
    /// the checkpoint. Never skipped when stored: replacing a window with the same answer changes
    /// nothing, and a window's answer may return to an earlier one.
    public func loadWindow(_ pages: [FetchedPage], options: ImportOptions, runID: Int64, checkpoint: (stream: String, to: UTCTime)) throws -> WindowLoad {
        guard let last = pages.last else { return WindowLoad() }
        let batches = try pages.map { try Loader.decode($0.body, file: $0.request, options: options, now: $0.fetchedAt) }
        let bodies = try pages.map { try RawPageStore.PreparedBody(body: $0.body) }
        return try lock.withLock {
            try db.transaction {
                let store = RawPageStore(db)
                var decoded: [WindowPage] = []
                for ((page, batch), body) in zip(zip(pages, batches), bodies) {
                    let stored = try store.store(
                        source: options.sourceName, stream: options.kind.stream, kind: options.kind.name, request: page.request,
                        context: options.contextJSON, fetchedAt: page.fetchedAt, prepared: body, runID: runID)
                    decoded.append(WindowPage(batch: batch, pageID: stored.pageID))
                }
                var load = try replaceWindow(decoded, options: options, runID: runID, now: last.fetchedAt)
                try Checkpoints(db).advance(
                    source: options.sourceName, stream: checkpoint.stream, to: checkpoint.to, runID: runID, now: last.fetchedAt)
                load.pages = pages.count
                return load
            }
        }
    }

    /// Replaces a reported window's rows with the answer `pages` make up together (records with
    /// the same key on several pages add up, as within one page), inside the caller's
    /// transaction; dimensions are upserted as usual and the months touched are queued. A
    /// changed answer for a window loaded before is said in the warnings, never absorbed silently.
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
            if pages.count > 1 { merged.addRecords(of: page.batch) }
            accounts.formUnion(page.batch.reportedAccounts)
            load.records += page.batch.records
            load.warnings += page.batch.warnings
        }
        if pages.count == 1 { merged = pages[0].batch }  // a whole answer in one page: nothing to merge
        let rows = pages.count == 1 ? pages[0].rows : nil
        try replaceRows(
            merged, rows: rows, accounts: accounts, window: window, pageIDs: pages.map(\.pageID), options: options, runID: runID, now: now,
            into: &load)
        load.counts.written += load.outcome.written
        load.counts.unchanged += load.outcome.unchanged
        try RepriceQueue(db: db).enqueue(scopes: load.outcome.scopes)
        return load
    }

    /// Each account's rows of the window made exactly the merged answer's (`ReportedWindowStore.replace`).
    /// `rows`, when given, are `merged`'s usage as `usageRows` makes them.
    private func replaceRows(
        _ merged: FactBatch, rows prepared: [String: [UsageFactStore.Row]]?, accounts: Set<String>, window: ReportedWindow, pageIDs: [Int64],
        options: ImportOptions, runID: Int64?, now: UTCTime, into load: inout WindowLoad
    ) throws {
        let byAccount = prepared ?? Loader.usageRows(merged)
        let store = ReportedWindowStore(db)
        for account in accounts.union(byAccount.keys).sorted() {
            let key = ReportedWindowStore.Window(source: options.sourceName, accountID: account, start: window.start.iso8601, end: window.end.iso8601)
            var rows = byAccount[account] ?? []
            for index in rows.indices { rows[index].pageID = pageIDs[0] }
            let outcome = try store.replace(key, rows: rows, pageIDs: pageIDs, runID: runID, now: now)
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
            load.outcome.scopes.formUnion(outcome.scopes)
        }
    }

    /// A batch's usage as `usage_facts` rows (no page yet), grouped by account in lower case: on
    /// the prefetch thread for a bulk import (`importFiles`), which leaves the writer only the rows
    /// to write.
    static func usageRows(_ batch: FactBatch) -> [String: [UsageFactStore.Row]] {
        var rows: [String: [UsageFactStore.Row]] = [:]
        for fact in batch.usage {
            rows[fact.accountID.asciiLowercased, default: []].append(FactWriter.usageRow(fact, pageID: nil))
        }
        return rows
    }
}
