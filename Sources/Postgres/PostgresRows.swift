import Foundation
import Load
import PostgresNIO

/// The rows of one query as `PostgresRemote.rows` hands them to Load (`RemoteRows`): a whole
/// result already read, or a server-side cursor read a batch at a time (issue 16, streaming), so
/// `export focus` over millions of usage rows holds one batch, not the whole result.
///
/// A cursor is `DECLARE name NO SCROLL CURSOR FOR query` with the values bound
/// (https://www.postgresql.org/docs/15/sql-declare.html), then `FETCH FORWARD batch FROM name`
/// (https://www.postgresql.org/docs/15/sql-fetch.html) until a batch comes back short, then
/// `CLOSE` (https://www.postgresql.org/docs/15/sql-close.html). Each FETCH is a statement of its
/// own, so the caller may run other statements between two rows (a loop body that writes, or
/// reads through another cursor: every cursor of a connection has a name of its own). The
/// cursor's query sees the data as of its DECLARE, as a plain query sees it as of its start, so
/// writes of the loop body do not show up in the rows still to come.
///
/// Round trips: the DECLARE and the first FETCH are sent together and waited for once, and the
/// CLOSE after a short batch is sent without waiting (the connection runs it before whatever is
/// sent next), so a small result costs the caller one wait, as a plain query does. Rows stay
/// postgres-nio's until they are handed out, each decoded then.
final class PostgresRows: RemoteRows {
    private let session: PostgresSession
    /// The cursor's name; nil for a whole result.
    private let cursor: String?
    private let batch: Int
    /// The batch being handed out, and the index of the next row in it.
    private var rows: [PostgresRow]
    private var index = 0
    /// Whether the cursor is open on the server: not read to its end, closed, or failed.
    private var open = false

    /// A result read whole (a statement no cursor can run, or one outside a transaction block).
    init(session: PostgresSession, whole result: PostgresQueryResult) {
        self.session = session
        self.cursor = nil
        self.batch = 0
        self.rows = result.rows
    }

    /// Declares cursor `name` for `query` (PostgreSQL's text, `$n` parameters) with `values`
    /// bound, and reads its first batch. Only inside a transaction block: a cursor without HOLD
    /// ends with its transaction.
    init(session: PostgresSession, cursor name: String, query: String, values: [SQLValue], batch: Int) throws {
        precondition(batch > 0, "a cursor's batch holds at least one row")
        self.session = session
        self.cursor = name
        self.batch = batch
        self.rows = []
        let declare = session.send("DECLARE \(name) NO SCROLL CURSOR FOR \(query)", values)
        let first = session.send("FETCH FORWARD \(batch) FROM \(name)")
        // When the DECLARE fails, the FETCH fails too (the transaction is aborted): report the first.
        _ = try session.wait(declare, doing: "statement failed")
        open = true
        try take(first)
    }

    func next() throws -> [SQLValue]? {
        while index == rows.count {
            guard open, let cursor else { return nil }
            try take(session.send("FETCH FORWARD \(batch) FROM \(cursor)"))
        }
        defer { index += 1 }
        return try rows[index].map(PostgresValues.value)
    }

    /// Stops early: the rows are dropped and the cursor closed (`end`).
    func close() {
        rows = []
        index = 0
        end(early: true)
    }

    /// Waits for a FETCH and keeps its rows; a short batch is the last, and the cursor is closed.
    private func take(_ fetch: EventLoopFuture<PostgresQueryResult>) throws {
        rows = []
        index = 0
        do {
            rows = try session.wait(fetch, doing: "statement failed").rows
        } catch {
            // The transaction is aborted, and its rollback ends the cursor.
            open = false
            throw error
        }
        if rows.count < batch { end(early: false) }
    }

    /// Closes the cursor without waiting: nothing of its outcome matters to the reader, and a
    /// statement sent next runs after it. After a short FETCH the cursor surely exists and `CLOSE`
    /// cannot fail. Early (`close()` from a loop that stopped, or a statement dropped half-read),
    /// the cursor may be gone with its transaction or savepoint, and `CLOSE` of a missing cursor
    /// would abort the healthy transaction the caller is in now; so the close is a `DO` block that
    /// closes the cursor only if `pg_cursors` (https://www.postgresql.org/docs/15/view-pg-cursors.html)
    /// still lists it. The name is this connection's own, never input.
    private func end(early: Bool) {
        guard open, let cursor else { return }
        open = false
        let sql = early
            ? "DO $$DECLARE c refcursor := '\(cursor)'; BEGIN IF EXISTS (SELECT FROM pg_cursors WHERE name = '\(cursor)') THEN CLOSE c; END IF; END$$"
            : "CLOSE \(cursor)"
        session.send(sql).whenComplete { _ in }
    }
}
