import Foundation
import WarehouseCore

/// Replaces a reported window's usage rows with its latest answer (Partner Center utilization,
/// UsageAggregates; docs/contracts/reported-windows.md).
///
/// The usage reported in a window is what the API answers when asked about that window again;
/// what other windows reported (late usage, adjustments) is other usage and is never touched. So
/// a re-pull of a window deletes the rows of that (source, account, window) the new answer no
/// longer has, updates those whose values changed and inserts the new ones — inside the
/// caller's transaction, with the window's raw pages and checkpoint — and says how many rows of
/// the earlier answer it changed or removed, so a changed past answer is reported, not absorbed.
public struct ReportedWindowStore {
    public struct Window: Hashable, Sendable {
        public var source: String
        public var accountID: String
        public var start: String
        public var end: String

        public init(source: String, accountID: String, start: String, end: String) {
            self.source = source
            self.accountID = accountID
            self.start = start
            self.end = end
        }
    }

    /// What a replacement did.
    public struct Outcome: Sendable, Equatable {
        public var added = 0
        /// Rows of the earlier answer whose values changed.
        public var changed = 0
        /// Rows of the earlier answer the new one no longer has (deleted).
        public var removed = 0
        public var unchanged = 0
        /// Billing months of the rows changed, removed or added (to reprice).
        public var periods: Set<String> = []
        /// Their pricing scopes (to reprice).
        public var scopes: Set<UsageFactStore.Scope> = []

        public init() {}

        /// True when the window had an answer before and this one differs from it.
        public var restated: Bool { changed + removed > 0 }
        public var written: Int { added + changed + removed }
    }

    let db: Database

    public init(_ db: Database) { self.db = db }

    /// Replaces `window`'s rows with `rows` (each of this window), and records `pageIDs` as its
    /// current answer.
    public func replace(_ window: Window, rows: [UsageFactStore.Row], pageIDs: [Int64], runID: Int64?, now: UTCTime) throws -> Outcome {
        precondition(db.isInTransaction, "ReportedWindowStore writes inside the caller's transaction")
        var outcome = Outcome()
        let store = UsageFactStore(db)
        let existing = try store.windowRows(source: window.source, accountID: window.accountID, start: window.start, end: window.end)
        let keyed = try rows.map { (row: $0, key: try store.key($0)) }
        let newKeys = Set(keyed.map(\.1))
        let gone = existing.filter { !newKeys.contains($0.1) }
        try store.delete(gone)
        for (_, key) in gone {
            outcome.removed += 1
            outcome.periods.insert(UTCTime(seconds: key.start).month)
        }
        let oldKeys = Set(existing.map(\.1))
        for ((row, key), changed) in zip(keyed, try store.upsert(keyed, pageCounts: false)) {
            guard changed else {
                outcome.unchanged += 1
                continue
            }
            if oldKeys.contains(key) { outcome.changed += 1 } else { outcome.added += 1 }
            outcome.periods.insert(String(row.usageStart.prefix(7)))
        }
        outcome.scopes = store.touched
        let pages = "[" + pageIDs.map(String.init).joined(separator: ",") + "]"
        try db.run(
            """
            INSERT INTO reported_windows (source, account_id, reported_start, reported_end, page_ids, run_id, loaded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, account_id, reported_start, reported_end) DO UPDATE SET
                page_ids = excluded.page_ids, run_id = excluded.run_id, loaded_at = excluded.loaded_at
            WHERE reported_windows.page_ids IS NOT excluded.page_ids
            """,
            window.source, window.accountID, window.start, window.end, pages, runID, now.iso8601)
        return outcome
    }

    /// The current answer's raw pages of every window of `source` (all sources when nil).
    public func currentPages(source: String? = nil) throws -> [Window: [Int64]] {
        var result: [Window: [Int64]] = [:]
        for (window, json) in try db.prepare(
            "SELECT source, account_id, reported_start, reported_end, page_ids FROM reported_windows WHERE CAST(? AS TEXT) IS NULL OR source = ?"
        ).bind(source, source).map({
            (Window(source: $0.string(0), accountID: $0.string(1).asciiLowercased, start: $0.string(2), end: $0.string(3)), $0.string(4))
        }) {
            let ids = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [NSNumber]) ?? []
            result[window] = ids.map(\.int64Value)
        }
        return result
    }
}
