import Foundation
import WarehouseCore

/// The one writer of `etl_runs`: every command that changes the warehouse (`import`, `etl`,
/// `rebuild`, `alerts`, `allocate`) opens its row `running` with `start` and closes it with
/// `finish`. `detail` is a JSON value built from members, never from strings, and holds counts
/// and short texts only, never a credential.
public struct RunLog {
    let db: Database
    public let runID: Int64
    public let started: UTCTime

    /// Opens a row for `command`, in the caller's transaction if one is open.
    public static func start(_ db: Database, command: String, at time: UTCTime) throws -> RunLog {
        let runID = try db.cached("INSERT INTO etl_runs (command, started_at, status) VALUES (?, ?, 'running') RETURNING run_id")
            .bind(command, time.iso8601).first { $0.int64(0) }
        return RunLog(db: db, runID: runID ?? 0, started: time)
    }

    /// Marks runs still `running` as `interrupted`: called under the warehouse's lock, so their
    /// process died without finishing. On a server, runs of other sources may be running beside
    /// this one: only a row whose run lock (`RunLock.claim`) nobody holds is marked.
    public static func markInterrupted(_ db: Database, at time: UTCTime) throws {
        let running = try db.rows("SELECT run_id FROM etl_runs WHERE status = 'running'").map { Row(values: $0).int64(0) }
        let mark = try db.cached(
            "UPDATE etl_runs SET status = 'interrupted', finished_at = \(db.dialect.greatest("started_at", "?")) WHERE run_id = ?")
        for runID in running where try db.remote?.isFree(RunLock.runLockName(runID)) ?? true {
            try mark.bind(time.iso8601, runID).run()
        }
    }

    /// A detail member, for call sites: `RunLog.member("written", 3)`.
    public static func member(_ key: String, _ value: Int) -> JSONObject.Member { .init(key: key, value: .number(String(value))) }
    public static func member(_ key: String, _ value: String?) -> JSONObject.Member { .init(key: key, value: value.map(JSONValue.string) ?? .null) }
    public static func member(_ key: String, _ values: [String]) -> JSONObject.Member { .init(key: key, value: .array(values.map(JSONValue.string))) }

    /// Closes the row: `status` (`ok`, `partial`, `failed`), what it loaded (`pages` is left as it
    /// is when nil) and `detail`. The finish time is never before the start.
    public func finish(status: String, pages: Int? = nil, records: Int, detail: [JSONObject.Member], at time: UTCTime = .now()) throws {
        let json = JSONValue.object(JSONObject(detail)).serialized
        let finished = max(time, started).iso8601
        if let pages {
            try db.run(
                "UPDATE etl_runs SET finished_at = ?, status = ?, pages = ?, records = ?, detail = ? WHERE run_id = ?", finished, status, pages,
                records, json, runID)
        } else {
            try db.run(
                "UPDATE etl_runs SET finished_at = ?, status = ?, records = ?, detail = ? WHERE run_id = ?", finished, status, records, json, runID)
        }
    }

    /// Removes the row (a batch that loaded nothing, in the transaction that opened it).
    public func discard() throws {
        try db.run("DELETE FROM etl_runs WHERE run_id = ?", runID)
    }
}
