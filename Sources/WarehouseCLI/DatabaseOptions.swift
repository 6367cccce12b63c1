import ArgumentParser
import Foundation
import Load
import Postgres

/// `--db PATH|URL`, shared by the commands that write the warehouse (`import`, `etl`, `rebuild`,
/// `alerts`, `credits`): a file, or a `postgres://` URL that `Database.openWarehouse` reaches
/// through the Postgres module (`PostgresRemote`, registered at startup).
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The warehouse: a file, or postgres://user@host:port/database (default: $WAREHOUSE_DB, else ./warehouse.db).",
            valueName: "path|url"))
    var db: String?

    /// --db, else $WAREHOUSE_DB, else ./warehouse.db.
    var path: String { Self.resolve(db) }

    static func resolve(_ db: String?) -> String {
        if let db, !db.isEmpty { return db }
        if let env = ProcessInfo.processInfo.environment["WAREHOUSE_DB"], !env.isEmpty { return env }
        return "warehouse.db"
    }

    func openForWriting() throws -> Database { try Database.openWarehouse(path: path) }

    func openForReading() throws -> Database { try Database.openWarehouseReadOnly(path: path) }
}

/// `--db PATH|URL` for the commands that run on PostgreSQL too: a `postgres://user@host:port/db`
/// URL (its password from PGPASSWORD or ~/.pgpass, never from the URL) or a SQLite file.
struct AnyDatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The warehouse: a file, or postgres://user@host:port/database (default: $WAREHOUSE_DB, else ./warehouse.db).",
            valueName: "path|url"))
    var db: String?

    var text: String { DatabaseOptions.resolve(db) }

    /// The file or database; a URL's password is looked up here.
    func location() throws -> WarehouseLocation { try WarehouseLocation.parse(text) }

    /// Runs `body` with a reader of the warehouse: the file opened read-only, or one read-only
    /// snapshot of the PostgreSQL database (`PostgresReader`) for the whole of `body`.
    func reading<T>(_ body: (any WarehouseReader) throws -> T) async throws -> T {
        switch try location() {
        case .sqlite(let path): return try body(try Database.openWarehouseReadOnly(path: path))
        case .postgres(let url): return try await PostgresReader.with(url) { try body($0) }
        }
    }
}
