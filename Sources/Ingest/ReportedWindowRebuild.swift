import Foundation
import Load
import Streams
import Transform
import WarehouseCore

/// `warehouse rebuild` for reported-window streams (Partner Center utilization, UsageAggregates):
/// a window's rows come from its *current answer* only — the pages `reported_windows` lists for
/// it — never from answers a later re-pull replaced. A window no row of `reported_windows` names
/// (a warehouse migrated from version 3 whose every row of that window had been overwritten)
/// takes the pages of the latest run that loaded it, and is recorded. Pages of one answer add up
/// (records with the same key on two pages are summed, as when they were loaded).
struct ReportedWindowRebuild {
    let db: Database
    let listed: [ReportedWindowStore.Window: [Int64]]
    let runs: [Int64: Int64]
    /// Windows answered by several pages, or not listed: their facts, merged, until `finish`.
    var pending: [ReportedWindowStore.Window: (run: Int64, pages: [Int64], batch: FactBatch)] = [:]
    var rows = 0

    init(db: Database) throws {
        self.db = db
        listed = try ReportedWindowStore(db).currentPages()
        runs = Dictionary(
            uniqueKeysWithValues: try db.prepare("SELECT page_id, coalesce(run_id, 0) FROM raw_pages").map { ($0.int64(0), $0.int64(1)) })
    }

    /// Takes a decoded reported-window page (its usage already kept to the rebuilt period).
    mutating func add(_ batch: FactBatch, source: String, pageID: Int64) throws {
        guard let window = batch.reportedWindow else { return }
        let byAccount = Dictionary(grouping: batch.usage) { $0.accountID.lowercased() }
        let recordsByAccount = Dictionary(grouping: batch.usageRecords) { $0.accountID.lowercased() }
        for account in Set(byAccount.keys).union(batch.reportedAccounts) {
            let key = ReportedWindowStore.Window(source: source, accountID: account, start: window.start.iso8601, end: window.end.iso8601)
            let records = recordsByAccount[account] ?? []
            if let pages = listed[key] {
                guard pages.contains(pageID) else { continue }
                if pages.count == 1 {
                    try write(byAccount[account] ?? [], pageID: pageID)
                } else {
                    merge(records, into: key, run: 0, pageID: pageID, replacing: false)
                }
            } else if !records.isEmpty || pending[key] != nil {
                let run = runs[pageID] ?? 0
                merge(records, into: key, run: run, pageID: pageID, replacing: pending[key].map { $0.run != run } ?? false)
            }
        }
    }

    /// Adds a page's usage records (as read, not summed) to a window's merged answer.
    private mutating func merge(_ facts: [UsageFact], into key: ReportedWindowStore.Window, run: Int64, pageID: Int64, replacing: Bool) {
        var entry = replacing ? (run: run, pages: [Int64](), batch: FactBatch()) : pending[key] ?? (run: run, pages: [], batch: FactBatch())
        entry.pages.append(pageID)
        for fact in facts { entry.batch.add(fact) }
        pending[key] = entry
    }

    private mutating func write(_ facts: [UsageFact], pageID: Int64) throws {
        try FactStore(db).upsertUsage(facts.map { FactWriter.usageRow($0, pageID: pageID) })
        rows += facts.count
    }

    /// Writes the merged windows, and records the windows no row of `reported_windows` named.
    mutating func finish(now: UTCTime) throws {
        for (key, entry) in pending.sorted(by: { $0.key.start < $1.key.start }) {
            try write(entry.batch.usage, pageID: entry.pages[0])
            guard listed[key] == nil else { continue }
            try db.run(
                """
                INSERT INTO reported_windows (source, account_id, reported_start, reported_end, page_ids, run_id, loaded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """,
                key.source, key.accountID, key.start, key.end, JSONValue.array(entry.pages.map { .number(String($0)) }).serialized,
                entry.run == 0 ? nil : entry.run, now.iso8601)
        }
    }
}
