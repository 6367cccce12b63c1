import Foundation
import Load
import WarehouseCore

/// What `warehouse status` shows: schema version, rows per table, last runs, checkpoints.
public struct WarehouseStatus {
    public var path: String
    public var schemaVersion: Int
    public var fileBytes: Int64
    public var tableCounts: ResultTable
    public var lastRuns: ResultTable
    public var checkpoints: ResultTable

    /// The tables counted, facts first.
    public static let countedTables = [
        "usage", "rates", "offer_terms", "storage_snapshots", "credit_budgets", "org_credits", "charge_scopes", "charges",
        "customers", "subscriptions", "users", "resources", "meters", "cost_centers", "raw_pages", "etl_runs", "checkpoints",
        "pending_reprice",
    ]

    public static func read(_ db: any WarehouseReader) throws -> WarehouseStatus {
        let counts = try countedTables.map { table -> [SQLValue] in
            [.text(table), .integer(try db.value("SELECT count(*) FROM \(table)")?.int64 ?? 0)]
        }
        let runs = try table(
            db, columns: ["run_id", "command", "started_at", "finished_at", "status", "pages", "records"],
            from: "etl_runs ORDER BY run_id DESC LIMIT 5")
        let checkpoints = try table(
            db, columns: ["source", "stream", "high_water", "updated_at"], from: "checkpoints ORDER BY source, stream")
        let version: Int, size: Int64
        if let sqlite = db as? Database {
            version = try sqlite.schemaVersion()
            size = (try? FileManager.default.attributesOfItem(atPath: sqlite.path)[.size] as? NSNumber)?.int64Value ?? 0
        } else {
            // Not a file: the database's own size on the server.
            version = Int(try db.value("SELECT max(version) FROM schema_version")?.int64 ?? 0)
            size = try db.value("SELECT pg_database_size(current_database())")?.int64 ?? 0
        }
        return WarehouseStatus(
            path: db.location, schemaVersion: version, fileBytes: size,
            tableCounts: ResultTable(columns: ["table", "rows"], rows: counts),
            lastRuns: runs, checkpoints: checkpoints)
    }

    /// `columns` of a table's rows: named here, as the SELECT names them, since a reader gives rows only.
    static func table(_ db: any WarehouseReader, columns: [String], from: String) throws -> ResultTable {
        let rows = try db.map("SELECT \(columns.joined(separator: ", ")) FROM \(from)") { $0.values }
        return ResultTable(columns: columns, rows: rows)
    }

    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json, .jsonl:
            func objects(_ table: ResultTable) -> JSONValue {
                .array(table.rows.map { row in .members(zip(table.columns, row).map { ($0, $1.json) }) })
            }
            return JSONValue.members([
                ("path", .string(path)), ("schema_version", .integer(schemaVersion)), ("file_bytes", .number(String(fileBytes))),
                ("rows", .members(tableCounts.rows.map { ($0[0].description, $0[1].json) })), ("last_runs", objects(lastRuns)),
                ("checkpoints", objects(checkpoints)),
            ]).pretty() + "\n"
        default:
            var out = "warehouse \(path)\nschema version \(schemaVersion), \(fileBytes) bytes\n\n"
            out += tableCounts.render(format)
            out += "\nlast runs\n" + (lastRuns.rows.isEmpty ? "(none yet)\n" : lastRuns.render(format))
            out += "\ncheckpoints\n" + (checkpoints.rows.isEmpty ? "(none yet)\n" : checkpoints.render(format))
            return out
        }
    }
}
