import Config
import Extract
import Foundation
import Load
import Marts
import Streams
import Transform
import WarehouseCore

/// `warehouse rebuild`: re-derives usage facts and charges from the stored raw pages, without
/// calling any API: after a cost-center rule or rate change, or a fix in how a source is read.
///
/// One transaction: the usage of the period (or all of it) is deleted, its charges with it (ON
/// DELETE CASCADE), every stored page is decoded again in the order it was first fetched (so a
/// later correction still wins) and its facts upserted, and the months are repriced. A rebuild
/// that fails changes nothing. Snapshots (users, budgets, item sizes) are upserted again from
/// their pages and never deleted: a day's snapshot whose bytes equalled an earlier day's was
/// stored once, so its history lives only in the facts, and the usage made from snapshots (storage
/// credits) is kept, not deleted (the nightly soak, scripts/soak.sh, found rebuild losing it).
public struct Rebuild {
    let db: Database
    let config: WarehouseConfig

    public init(db: Database, config: WarehouseConfig) {
        self.db = db
        self.config = config
    }

    public struct Summary: Sendable {
        public var pages = 0
        public var usageRows = 0
        public var repriced = RepriceSummary()
        public var runID: Int64 = 0
    }

    public func run(period: String?, now: UTCTime = .now()) throws -> Summary {
        if let period {
            guard let month = UTCTime.parseMonth(period), month.month == period else {
                throw RepriceError("--period \"\(period)\": expected YYYY-MM")
            }
        }
        let loader = Loader(db: db, config: config)
        return try db.transaction {
            var summary = Summary()
            let log = try RunLog.start(db, command: "rebuild", at: now)
            summary.runID = log.runID
            let (from, to) = period.map { ($0, UTCTime.parseMonth($0)!.startOfNextMonth.month) } ?? ("", "~")
            let bounds = period.flatMap(UTCTime.parseMonth).map { ($0.seconds, $0.startOfNextMonth.seconds) } ?? (Int64.min, Int64.max)
            // Usage made from a snapshot page (ArcGIS storage credits) is kept: a day whose items
            // page equalled an earlier day's byte for byte shares that page, stored once with the
            // first day in its context, so decoding it again gives back only that first day.
            let snapshotKinds = StreamSpec.all.filter { $0.window == .snapshot }.map { "'\($0.name)'" }.joined(separator: ", ")
            try db.run(
                """
                DELETE FROM usage_facts WHERE usage_start >= ? AND usage_start < ?
                AND (page_id IS NULL OR page_id NOT IN (SELECT page_id FROM raw_pages WHERE kind IN (\(snapshotKinds))))
                """, bounds.0, bounds.1)
            let store = RawPageStore(db)
            var windows = try ReportedWindowRebuild(db: db)
            for page in try store.pages() {
                guard let kind = StreamSpec.named(page.kind) else { continue }
                guard let options = ImportOptions(kind: kind, source: page.source, contextJSON: page.context) else {
                    throw ImportError(file: "raw page \(page.pageID)", message: "its context is not a JSON object")
                }
                let fetchedAt = UTCTime.parse(page.fetchedAt) ?? now
                var batch = try Loader.decode(try store.body(page.pageID), file: page.request, options: options, now: fetchedAt)
                if period != nil { batch.retainUsage { $0.usageStart >= from && $0.usageStart < to } }
                if batch.reportedWindow != nil {
                    // Usage of reported windows: only their current answers (ReportedWindowRebuild).
                    try windows.add(batch, source: page.source, pageID: page.pageID)
                    batch.retainUsage { _ in false }
                }
                try loader.write(batch, pageID: page.pageID, newPage: false, file: page.request, options: options, now: fetchedAt, queue: false)
                summary.pages += 1
                summary.usageRows += batch.usage.count
            }
            try windows.finish(now: now)
            summary.usageRows += windows.rows
            let queue = RepriceQueue(db: db)
            for source in try db.prepare("SELECT source FROM account_keys UNION SELECT source FROM charge_scopes").map({ $0.string(0) }) {
                try queue.enqueue(source: source, periods: period.map { [$0] }, now: now)
            }
            summary.repriced = try queue.drain(config: config)
            try log.finish(
                status: "ok", pages: summary.pages, records: summary.usageRows,
                detail: [RunLog.member("period", period), RunLog.member("usage_rows", summary.usageRows)], at: max(UTCTime.now(), now))
            return summary
        }
    }
}
