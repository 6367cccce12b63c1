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

        public init() {}

        /// True when the window had an answer before and this one differs from it.
        public var restated: Bool { changed + removed > 0 }
        public var written: Int { added + changed + removed }
    }

    let db: Database

    public init(_ db: Database) { self.db = db }

    /// Replaces `window`'s rows with `rows` (values in `FactStore.usage.columns` order, each of
    /// this window), and records `pageIDs` as its current answer.
    public func replace(_ window: Window, rows: [[any SQLBindable]], pageIDs: [Int64], runID: Int64?, now: UTCTime) throws -> Outcome {
        precondition(db.isInTransaction, "ReportedWindowStore writes inside the caller's transaction")
        var outcome = Outcome()
        let existing = try db.cached(
            """
            SELECT usage_id, lower(resource_id), lower(meter_id), usage_start, usage_end FROM usage
            WHERE source = ? AND account_id = ? AND reported_start = ? AND reported_end = ?
            """
        ).bind(window.source, window.accountID, window.start, window.end).map { ($0.int64(0), [$0.string(1), $0.string(2), $0.string(3), $0.string(4)]) }
        let newKeys = Set(rows.map(Self.key))
        for (usageID, key) in existing where !newKeys.contains(key) {
            try db.run("DELETE FROM usage WHERE usage_id = ?", usageID)
            outcome.removed += 1
            outcome.periods.insert(String(key[2].prefix(7)))
        }
        let oldKeys = Set(existing.map(\.1))
        let upsert = try db.cached(Self.upsertSQL)
        for row in rows {
            let key = Self.key(row)
            guard try upsert.bind(row).run() > 0 else {
                outcome.unchanged += 1
                continue
            }
            if oldKeys.contains(key) { outcome.changed += 1 } else { outcome.added += 1 }
            outcome.periods.insert(String(key[2].prefix(7)))
        }
        let pages = "[" + pageIDs.map(String.init).joined(separator: ",") + "]"
        try db.run(
            """
            INSERT INTO reported_windows (source, account_id, reported_start, reported_end, page_ids, run_id, loaded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, account_id, reported_start, reported_end) DO UPDATE SET
                page_ids = excluded.page_ids, run_id = excluded.run_id, loaded_at = excluded.loaded_at
            WHERE page_ids IS NOT excluded.page_ids
            """,
            window.source, window.accountID, window.start, window.end, pages, runID, now.iso8601)
        return outcome
    }

    /// The current answer's raw pages of every window of `source` (all sources when nil).
    public func currentPages(source: String? = nil) throws -> [Window: [Int64]] {
        var result: [Window: [Int64]] = [:]
        for (window, json) in try db.prepare(
            "SELECT source, account_id, reported_start, reported_end, page_ids FROM reported_windows WHERE ? IS NULL OR source = ?"
        ).bind(source, source).map({
            (Window(source: $0.string(0), accountID: $0.string(1).lowercased(), start: $0.string(2), end: $0.string(3)), $0.string(4))
        }) {
            let ids = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [NSNumber]) ?? []
            result[window] = ids.map(\.int64Value)
        }
        return result
    }

    /// An upsert that changes a row (and its `page_id`) only when one of its values changed: a
    /// row the new answer repeats stays as it was, pointing at the page that first loaded it.
    static let upsertSQL: String = {
        let table = FactStore.usage
        let values = table.columns.filter { !table.key.contains($0) && $0 != "page_id" }
        return "INSERT INTO usage (\(table.columns.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
            + " ON CONFLICT (\(table.key.joined(separator: ", "))) DO UPDATE SET "
            + (values + ["page_id"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            + " WHERE " + values.map { "usage.\($0) IS NOT excluded.\($0)" }.joined(separator: " OR ")
    }()

    /// (resource, meter, usage start, usage end), as the table compares them.
    static func key(_ row: [any SQLBindable]) -> [String] {
        let text = [2, 3, 4, 5].map { row[$0] as? String ?? "" }
        return [text[0].lowercased(), text[1].lowercased(), text[2], text[3]]
    }
}
