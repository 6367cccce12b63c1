import Foundation
import Load
import WarehouseCore

/// An `etl_runs` row for a command that is not a load (`alerts`, `allocate`): written `running`
/// when the command starts changing things, closed `ok`, `partial` or `failed` with a JSON
/// `detail` of plain counts, so `warehouse status` and `last_runs` show it beside the loads.
struct RunLog {
    let db: Database
    let runID: Int64
    let started: UTCTime

    static func start(_ db: Database, command: String, at time: UTCTime) throws -> RunLog {
        try db.run("INSERT INTO etl_runs (command, started_at, status) VALUES (?, ?, 'running')", command, time.iso8601)
        return RunLog(db: db, runID: db.lastInsertRowID, started: time)
    }

    /// `detail` holds numbers and short texts only; never a credential.
    func finish(status: String, records: Int, detail: [(String, String)], at time: UTCTime) throws {
        let json = "{" + detail.map { "\(JSONString.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        try db.run(
            "UPDATE etl_runs SET finished_at = ?, status = ?, records = ?, detail = ? WHERE run_id = ?",
            max(time, started).iso8601, status, records, json, runID)
    }
}
