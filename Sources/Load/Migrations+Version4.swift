import Foundation
import WarehouseCore

extension Migrations {
    /// Version 4 (issue 14, reported windows): Partner Center utilization and Azure Commerce
    /// UsageAggregates are queried by the time usage was *reported* to billing, and a record
    /// reported in a later window is more usage that adds up, not a re-statement
    /// (docs/contracts/reported-windows.md). So the reported window joins the identity of a usage
    /// row (`reported_start`, `reported_end`, '' for streams whose buckets are re-stated), and
    /// `reported_windows` records which raw pages are each window's current answer (what a
    /// re-pull replaces, and what `warehouse rebuild` re-reads).
    ///
    /// SQLite cannot change a UNIQUE constraint in place, so `usage` is copied to a new table
    /// (same `usage_id`s) and renamed; the charges, which the drop would cascade away, are kept
    /// aside and put back. Existing rows get the window of the raw page that loaded them
    /// (`migrateReportedWindows`).
    static let version4 = Migration(
        version: 4,
        sql: """
            CREATE TEMP TABLE v4_charges AS SELECT * FROM main.charges;

            CREATE TABLE usage_v4 (
                usage_id        INTEGER PRIMARY KEY,
                source          TEXT NOT NULL,
                account_id      TEXT NOT NULL COLLATE NOCASE,
                resource_id     TEXT NOT NULL COLLATE NOCASE,
                meter_id        TEXT NOT NULL COLLATE NOCASE,
                usage_start     TEXT NOT NULL,
                usage_end       TEXT NOT NULL,
                quantity        TEXT NOT NULL,
                unit            TEXT,
                customer_id     TEXT COLLATE NOCASE,
                subscription_id TEXT COLLATE NOCASE,
                resource_group  TEXT COLLATE NOCASE,
                user_name       TEXT,
                location        TEXT,
                tags            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
                cost            TEXT,
                cost_currency   TEXT CHECK (cost_currency IS NULL OR length(cost_currency) = 3),
                page_id         INTEGER REFERENCES raw_pages (page_id),
                -- The window [reported_start, reported_end) the record was reported in (UTC
                -- ISO-8601), for Partner Center utilization and UsageAggregates; '' and '' for
                -- usage whose buckets a re-pull re-states (ArcGIS Online, exports, reports).
                reported_start  TEXT NOT NULL DEFAULT '',
                reported_end    TEXT NOT NULL DEFAULT '',
                CHECK (usage_end >= usage_start),
                CHECK ((cost IS NULL) = (cost_currency IS NULL)),
                CHECK (reported_end >= reported_start),
                UNIQUE (source, account_id, resource_id, meter_id, usage_start, usage_end, reported_start, reported_end)
            );
            INSERT INTO usage_v4 (
                usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, customer_id,
                subscription_id, resource_group, user_name, location, tags, cost, cost_currency, page_id)
            SELECT usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, customer_id,
                subscription_id, resource_group, user_name, location, tags, cost, cost_currency, page_id
            FROM usage;
            PRAGMA legacy_alter_table = ON;
            DROP TABLE usage;
            ALTER TABLE usage_v4 RENAME TO usage;
            PRAGMA legacy_alter_table = OFF;
            CREATE INDEX usage_by_scope ON usage (source, account_id, meter_id, usage_start);
            CREATE INDEX usage_by_start ON usage (usage_start);
            CREATE INDEX usage_by_window ON usage (source, account_id, reported_start, reported_end);
            INSERT INTO main.charges SELECT * FROM temp.v4_charges;
            DROP TABLE temp.v4_charges;

            -- The current answer of every reported window loaded (Partner Center utilization,
            -- UsageAggregates), per source and account (subscription): the raw pages it came in,
            -- as a JSON array of page ids in order, and the run that loaded it. A re-pull of the
            -- window replaces its rows and this row; `warehouse rebuild` re-reads these pages.
            CREATE TABLE reported_windows (
                source         TEXT NOT NULL,
                account_id     TEXT NOT NULL COLLATE NOCASE,
                reported_start TEXT NOT NULL,
                reported_end   TEXT NOT NULL,
                page_ids       TEXT NOT NULL CHECK (json_valid(page_ids) AND json_type(page_ids) = 'array'),
                run_id         INTEGER REFERENCES etl_runs (run_id),
                loaded_at      TEXT NOT NULL,
                CHECK (reported_end > reported_start),
                PRIMARY KEY (source, account_id, reported_start, reported_end)
            ) WITHOUT ROWID;
            """,
        after: migrateReportedWindows)

    /// The raw-page kinds whose usage is identified by reported window.
    public static let reportedWindowKinds = ["pc-utilization", "azure-usage"]

    /// Gives the rows loaded before version 4 the window of their raw page, and writes it into
    /// the page's `context` (so `rebuild` reads the page with it): the window its request names
    /// (`start_time`/`end_time`, `reportedStartTime`/`reportedEndTime`), else the one its body
    /// names (`links.self`, `nextLink`), else that of the page before it in the same run and
    /// stream (a continuation), else — documented fallback — the usage days its rows cover (and
    /// for a page that loaded no row, the day it was fetched).
    @Sendable static func migrateReportedWindows(_ db: Database) throws {
        let kinds = reportedWindowKinds.map { "'\($0)'" }.joined(separator: ", ")
        let pages = try db.prepare(
            "SELECT page_id, coalesce(run_id, 0), source, stream, request FROM raw_pages WHERE kind IN (\(kinds)) ORDER BY page_id"
        ).map { ($0.int64(0), $0.int64(1), $0.string(2), $0.string(3), $0.string(4)) }
        let store = RawPageStore(db)
        var previous: [String: (String, String)] = [:]
        for (pageID, runID, source, stream, request) in pages {
            let key = "\(runID)|\(source)|\(stream)"
            var window = ReportedWindowText.find(in: request)
            if window == nil, let body = try? store.body(pageID) { window = ReportedWindowText.find(in: String(decoding: body, as: UTF8.self)) }
            if window == nil { window = previous[key] }
            if window == nil {
                window = try db.prepare(
                    "SELECT min(substr(usage_start, 1, 10)) || 'T00:00:00Z', max(date(usage_end, '-1 second', '+1 day')) || 'T00:00:00Z' FROM usage WHERE page_id = ? HAVING count(*) > 0"
                ).bind(pageID).map { ($0.string(0), $0.string(1)) }.first
            }
            if window == nil {
                // A page that loaded no row: its fetch day, so `rebuild` can read it (it adds nothing).
                window = try db.prepare(
                    "SELECT substr(fetched_at, 1, 10) || 'T00:00:00Z', date(fetched_at, '+1 day') || 'T00:00:00Z' FROM raw_pages WHERE page_id = ?"
                ).bind(pageID).map { ($0.string(0), $0.string(1)) }.first
            }
            guard let (start, end) = window else { continue }
            previous[key] = (start, end)
            try db.run("UPDATE usage SET reported_start = ?, reported_end = ? WHERE page_id = ?", start, end, pageID)
            try db.run(
                "UPDATE raw_pages SET context = json_set(CASE WHEN json_valid(context) THEN context ELSE '{}' END, '$.reported_start', ?, '$.reported_end', ?) WHERE page_id = ?",
                start, end, pageID)
        }
        try db.execute(
            """
            INSERT INTO reported_windows (source, account_id, reported_start, reported_end, page_ids, run_id, loaded_at)
            SELECT u.source, u.account_id, u.reported_start, u.reported_end, json_group_array(DISTINCT u.page_id), max(p.run_id), max(p.fetched_at)
            FROM usage u JOIN raw_pages p ON p.page_id = u.page_id
            WHERE u.reported_start <> '' GROUP BY u.source, u.account_id, u.reported_start, u.reported_end
            """)
    }
}

/// Finds a reported window in a request URL or a page's text (Load cannot use Transform's
/// `ReportedWindow`; the same names, the same rules).
enum ReportedWindowText {
    static let pairs = [("start_time", "end_time"), ("reported_start_time", "reported_end_time"), ("reportedStartTime", "reportedEndTime")]

    /// `(start, end)` as UTC ISO-8601 text, or nil.
    static func find(in text: String) -> (String, String)? {
        for (from, to) in pairs {
            if let start = value(from, in: text).flatMap(UTCTime.parse), let end = value(to, in: text).flatMap(UTCTime.parse), start < end {
                return (start.iso8601, end.iso8601)
            }
        }
        return nil
    }

    /// The first `name=value` preceded by `?`, `&` or `;` (`&amp;`), percent-decoded.
    static func value(_ name: String, in text: String) -> String? {
        var search = text.startIndex
        while let range = text.range(of: name + "=", range: search..<text.endIndex) {
            search = range.upperBound
            guard range.lowerBound > text.startIndex, "?&;".contains(text[text.index(before: range.lowerBound)]) else { continue }
            let raw = text[range.upperBound...].prefix { !"&\"\\ ".contains($0) }
            let decoded = (String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw))
            return decoded.replacingOccurrences(of: " ", with: "T")
        }
        return nil
    }
}
