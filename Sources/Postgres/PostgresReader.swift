import Foundation
import Load
import PostgresNIO

/// Query's `WarehouseReader` on PostgreSQL: `warehouse invoice`, `report`, `export focus` and
/// `status` read through it, with the same Swift code above it as on SQLite.
///
/// The whole command reads one snapshot: `with` opens a `REPEATABLE READ READ ONLY` transaction
/// (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-REPEATABLE-READ) and takes the
/// snapshot before the first query of the command, so an invoice's rollup check, its buckets, its
/// bands and its names all see the same charges, whatever the nightly run commits meanwhile.
///
/// Query is synchronous and postgres-nio async; the bridge is here, in `query`: the statement runs
/// on postgres-nio's event loop through its future-based API, and the calling thread waits for
/// the future. Making Query async instead would have touched every builder, renderer caller and
/// the alerts that share them, for commands that read one query at a time anyway. The caller's
/// thread is never one of NIO's event loop threads (those only run the connection), so the wait
/// cannot deadlock; the rows of one query are held in memory until it completes.
public final class PostgresReader: WarehouseReader {
    let session: PostgresSession

    init(session: PostgresSession) { self.session = session }

    public var dialect: SQLDialect { .postgres }
    public var location: String { session.url.redacted }

    /// Runs `body` with a reader of `url`'s warehouse, inside one read-only snapshot that is
    /// rolled back (nothing to commit) when `body` returns or throws.
    public static func with<T>(_ url: PostgresURL, _ body: (PostgresReader) async throws -> T) async throws -> T {
        try await PostgresSession.with(url) { session in
            try await session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                // The first query takes the snapshot, so the version checked is the one read.
                let version = try session.schemaVersion()
                guard version > 0 else { throw PostgresError("\(url.redacted): no warehouse here (run warehouse init or warehouse copy first)") }
                try session.checkVersion(version)
                let result = try await body(PostgresReader(session: session))
                try await session.execute("ROLLBACK")
                return result
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    public func query(_ sql: String, _ values: [SQLValue], _ body: (Row) throws -> Void) throws {
        let result = try session.runWaiting(SQLScript.forPostgres(sql), values)
        for row in result.rows { try body(Row(values: try row.map(PostgresValues.value))) }
    }

    public func hasTable(_ name: String) throws -> Bool {
        try value(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name = ?1",
            name)?.int64 == 1
    }
}
