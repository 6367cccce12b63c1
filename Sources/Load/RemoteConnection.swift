import Foundation

/// A warehouse on a database server rather than in a file (PostgreSQL, issue 16), as `Database`
/// sees it: SQL text in SQLite's spelling, values bound, rows back as `SQLValue`s.
///
/// `Database` keeps one Swift code path for the loaders, pricing, cost centers and invoices: its
/// statements run on SQLite's C API for a file, or through this for a server. The Postgres module
/// implements it (it turns `?`, `?N` and `:name` into `$n`); Load cannot import that module, so
/// the CLI registers how to connect in `RemoteWarehouse.connect`.
public protocol RemoteConnection: AnyObject {
    /// The server's address without any password: safe for output, logs and errors.
    var location: String { get }
    /// Runs one statement with `values` bound in order to its parameters: its rows, and how many
    /// rows it inserted, updated or deleted.
    func run(_ sql: String, _ values: [SQLValue]) throws -> RemoteResult
    /// Runs one query with `values` bound and hands its rows back in order as they are read, so
    /// a result of any size is held a batch at a time (a server-side cursor), not all at once; a
    /// statement that cannot stream comes back whole, as `run` reads it. The caller reads it to
    /// the end or `close`s it, and may run other statements on this connection meanwhile.
    func rows(_ sql: String, _ values: [SQLValue]) throws -> any RemoteRows
    /// Runs a script of statements without parameters (transaction control, schema).
    func execute(_ sql: String) throws
    /// Makes the server's warehouse ready: created when the database has none (unless
    /// `readOnly`), else its schema version checked; a mismatch is an error naming both.
    func openWarehouse(readOnly: Bool) throws
    /// Takes the session lock named `name` (`shared`: with other shared holders), polling for up
    /// to `wait`; held until the connection ends, however the process ends.
    func lock(_ name: String, shared: Bool, wait: Duration) throws
    /// Takes the lock named `name` until the current transaction ends, waiting as long as it takes.
    func transactionLock(_ name: String) throws
    /// Whether the session lock `name` is free now (nobody holds it).
    func isFree(_ name: String) throws -> Bool
}

/// What a statement run on a server gave back.
public struct RemoteResult: Sendable {
    public var rows: [[SQLValue]]
    public var changes: Int
    public init(rows: [[SQLValue]], changes: Int) {
        self.rows = rows
        self.changes = changes
    }
}

/// The rows of one query being read from a server (`RemoteConnection.rows`), in order.
public protocol RemoteRows: AnyObject {
    /// The next row, or nil after the last one (then nothing is left open on the server).
    func next() throws -> [SQLValue]?
    /// Stops reading before the end and frees what the server holds for it; errors are
    /// dropped, as a failed transaction frees it anyway. Calling it again, or after the end, does
    /// nothing.
    func close()
}

/// How Load reaches a warehouse named by a URL rather than a path. The CLI sets `connect` at
/// startup (to the Postgres module's connector); library users without a server leave it nil, and
/// a URL is then refused in one line.
public enum RemoteWarehouse {
    public typealias Connector = @Sendable (String) throws -> any RemoteConnection
    nonisolated(unsafe) public static var connect: Connector?

    /// True when `location` names a server (`postgres://`, `postgresql://`) rather than a file.
    public static func isRemote(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    static func connection(_ location: String) throws -> any RemoteConnection {
        guard let connect else {
            throw SchemaError(path: "database URL", message: "this program cannot reach a database server")
        }
        return try connect(location)
    }
}
