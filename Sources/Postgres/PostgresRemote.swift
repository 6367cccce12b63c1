import Foundation
import Load
import Logging
import PostgresNIO

/// Load's `RemoteConnection` on PostgreSQL: how `import`, `etl`, `rebuild`, `alerts`, `credits`
/// and `demo` write a warehouse on a server through the same `Database` and the same loaders,
/// pricing and cost-center code as a file.
///
/// Load's statements are SQLite's text with `?` or `?N` parameters; here each becomes `$n` once
/// (the translation is cached per text) and runs through the extended protocol with its values
/// bound, never pasted. Load is synchronous and postgres-nio asynchronous: through
/// `PostgresSession.runWaiting`, the calling thread waits on the query's future, which completes
/// on postgres-nio's event loop thread, never the caller's, so the wait cannot deadlock. Query's
/// readers use it too (`PostgresReader`).
///
/// A query read row by row (`rows`: `Statement.step` and `forEachRow`) streams through a cursor
/// inside a transaction block (`PostgresRows`); the connection tracks whether one is open from
/// the statements it runs (the server reports it only inside postgres-nio).
public final class PostgresRemote: RemoteConnection {
    let session: PostgresSession
    /// Each text's PostgreSQL spelling and what it is, worked out once.
    private var texts: [String: Translation] = [:]
    /// Whether a transaction block is open (`BEGIN` ran and no `COMMIT` or `ROLLBACK` yet).
    private(set) var inTransaction = false
    /// How many rows a cursor's FETCH reads at once: ten thousand usage rows are a few MB.
    public var fetchBatch = 10_000
    /// Cursors declared so far: the next one's name is `warehouse_cursor_<count + 1>`.
    private var cursors = 0

    init(session: PostgresSession) { self.session = session }

    /// Closes the connection (and so ends any lock it holds) when Load lets go of it.
    deinit { session.closeWaiting() }

    public var location: String { session.url.redacted }

    /// Connects to the warehouse named by `text` (`postgres://…`), waiting for the connection.
    public static func connect(_ text: String) throws -> PostgresRemote {
        try connect(try PostgresURL.parse(text))
    }

    /// Connects to the warehouse at `url`, parsed already (with the environment it names).
    public static func connect(_ url: PostgresURL) throws -> PostgresRemote {
        PostgresRemote(session: try PostgresSession.connectWaiting(url))
    }

    /// Registers this as how Load reaches a `postgres://` warehouse (the CLI does, at startup).
    public static func register() {
        RemoteWarehouse.connect = { try PostgresRemote.connect($0) }
    }

    public func run(_ sql: String, _ values: [SQLValue]) throws -> RemoteResult {
        let result = try runTracked(sql, values)
        let rows = try result.rows.map { try $0.map(PostgresValues.value) }
        return RemoteResult(rows: rows, changes: result.metadata.rows ?? 0)
    }

    /// A query's rows: through a cursor inside a transaction block when it is a query a cursor
    /// can run (`SQLScript.isCursorQuery`), else read whole in one round trip.
    public func rows(_ sql: String, _ values: [SQLValue]) throws -> any RemoteRows {
        let statement = translated(sql)
        guard inTransaction, statement.streams else {
            return PostgresRows(session: session, whole: try runTracked(sql, values))
        }
        cursors += 1
        return try PostgresRows(session: session, cursor: "warehouse_cursor_\(cursors)", query: statement.text, values: values, batch: fetchBatch)
    }

    /// Runs one statement, keeping `inTransaction`: set by a `BEGIN` that ran, cleared by a
    /// `COMMIT` or `ROLLBACK` whether it ran or failed (a failed COMMIT rolls back).
    private func runTracked(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        let statement = translated(sql)
        do {
            let result = try session.runWaiting(statement.text, values, doing: "statement failed")
            if let change = statement.transactionChange { inTransaction = change }
            return result
        } catch {
            if statement.transactionChange == false { inTransaction = false }
            throw error
        }
    }

    public func execute(_ sql: String) throws {
        for statement in SQLScript.statements(sql) { _ = try run(statement, []) }
    }

    /// Creates the warehouse in an empty database (`initializeWarehouse`: one transaction,
    /// serialized against another `init`), or checks its version.
    public func openWarehouse(readOnly: Bool) throws {
        if readOnly {
            let version = try session.schemaVersion()
            guard version > 0 else { throw PostgresError("\(location): no warehouse here (run warehouse init or warehouse copy first)") }
            try session.checkVersion(version)
        } else {
            _ = try session.initializeWarehouse()
        }
    }

    /// A session advisory lock (https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS)
    /// on `name`, tried every 50 ms until `wait` runs out. It belongs to this connection: held
    /// until the connection closes, or the process dies and the server ends its session.
    public func lock(_ name: String, shared: Bool, wait: Duration) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        let function = shared ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock"
        while try run("SELECT \(function)(hashtext(?1))", [.text(Self.lockKey(name))]).rows.first?.first != .integer(1) {
            guard clock.now < deadline else {
                throw RunLock.Busy(path: name == "warehouse" ? location : "\(location) (\(name))", waited: Int(wait.components.seconds))
            }
            usleep(50_000)
        }
    }

    /// A transaction-scoped advisory lock: repricing takes one, so two workers never reprice at once.
    public func transactionLock(_ name: String) throws {
        _ = try run("SELECT pg_advisory_xact_lock(hashtext(?1))", [.text(Self.lockKey(name))])
    }

    /// Tries `name` and lets it go at once: free when the try succeeds.
    public func isFree(_ name: String) throws -> Bool {
        let key = SQLValue.text(Self.lockKey(name))
        guard try run("SELECT pg_try_advisory_lock(hashtext(?1))", [key]).rows.first?.first == .integer(1) else { return false }
        _ = try run("SELECT pg_advisory_unlock(hashtext(?1))", [key])
        return true
    }

    /// Every lock's key text, apart from any other application's advisory locks.
    static func lockKey(_ name: String) -> String { "warehouse run " + name }

    /// A statement's PostgreSQL text (SQLite's parameters as `$n`), whether a cursor can run it,
    /// and how it opens or ends a transaction block.
    private struct Translation {
        var text: String
        var streams: Bool
        var transactionChange: Bool?
    }

    /// `sql` translated, once per text.
    private func translated(_ sql: String) -> Translation {
        if let translation = texts[sql] { return translation }
        let text = SQLScript.forPostgres(sql)
        let translation = Translation(text: text, streams: SQLScript.isCursorQuery(text), transactionChange: SQLScript.transactionChange(text))
        texts[sql] = translation
        return translation
    }
}
