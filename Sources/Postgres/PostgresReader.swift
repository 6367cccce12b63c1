import Foundation
import Load
import PostgresNIO

/// Query's `WarehouseReader` on PostgreSQL: `warehouse invoice`, `report`, `export focus` and
/// `status` read through it, with the same Swift code above it as on SQLite. The reader is a
/// `Database` on a `PostgresRemote`, the connection the writers use, so a query is translated and
/// run one way whichever side asks.
///
/// The whole command reads one snapshot: `with` opens a `REPEATABLE READ READ ONLY` transaction
/// (https://www.postgresql.org/docs/15/transaction-iso.html#XACT-REPEATABLE-READ) and takes the
/// snapshot before the first query of the command, so an invoice's rollup check, its buckets, its
/// bands and its names all see the same charges, whatever the nightly run commits meanwhile.
///
/// Query is synchronous and postgres-nio async; the bridge is `PostgresSession.runWaiting`: the
/// calling thread waits for the query's future, which completes on postgres-nio's event loop,
/// never the caller's, so the wait cannot deadlock. Inside the snapshot's transaction a query
/// read row by row streams through a cursor (`PostgresRows`), a batch of rows in memory at a time.
public enum PostgresReader {
    /// Runs `body` with a reader of `url`'s warehouse, inside one read-only snapshot that is
    /// rolled back (nothing to commit) when `body` returns or throws.
    public static func with<T>(_ url: PostgresURL, _ body: (Database) async throws -> T) async throws -> T {
        try await PostgresSession.with(url) { session in
            // The reader's connection closes the session when it goes: not before the ROLLBACK below.
            let remote = PostgresRemote(session: session)
            let reader = Database(remote: remote, mode: .readOnly)
            defer { withExtendedLifetime(reader) {} }
            // Through the connection, which then knows its queries may use cursors.
            try remote.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                // The first query takes the snapshot, so the version checked is the one read.
                let version = try session.schemaVersion()
                guard version > 0 else { throw PostgresError("\(url.redacted): no warehouse here (run warehouse init or warehouse copy first)") }
                try session.checkVersion(version)
                let result = try await body(reader)
                try remote.execute("ROLLBACK")
                return result
            } catch {
                try? remote.execute("ROLLBACK")
                throw error
            }
        }
    }
}
