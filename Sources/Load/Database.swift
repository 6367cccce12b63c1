import CSQLite
import Foundation

/// One connection to a warehouse file.
///
/// Opened in WAL mode (readers never block the nightly writer), with foreign keys enforced, a
/// busy timeout, and SQLite's defensive mode. A new file is created with mode 0600: it holds
/// what an organization spends, and only its owner should read it.
///
/// Not thread-safe: use one `Database` from one task at a time (open another for another thread).
public final class Database {
    public enum Mode: Sendable { case readWrite, readOnly }

    private let sqlite: OpaquePointer?
    /// The server this connection talks to instead of a file (`RemoteConnection`), or nil.
    public let remote: (any RemoteConnection)?
    /// SQLite's handle; only the SQLite paths (`remote == nil`) read it.
    var handle: OpaquePointer { sqlite! }
    public let path: String
    public let mode: Mode
    private var cache: [String: Statement] = [:]
    private var transactionDepth = 0
    /// How many times a transaction or savepoint of this connection was rolled back (caches of
    /// rows written inside one are stale after it).
    public private(set) var rollbackCount = 0
    /// The dimension keys this connection has looked up (schema version 5).
    public let dimensions = DimensionKeys()
    /// Where `WAREHOUSE_SQL_TRACE` sends the statements run (nil: not traced).
    private var trace: UnsafeMutablePointer<FILE>?

    /// Opens (and for `.readWrite`, creates) the file at `path`. `busyTimeout` is how long a
    /// statement waits for another connection's lock before failing with SQLITE_BUSY.
    public init(path: String, mode: Mode = .readWrite, busyTimeout: Duration = .seconds(10)) throws {
        if mode == .readWrite, path != ":memory:", !FileManager.default.fileExists(atPath: path) {
            try Database.createOwnerOnly(path)
        }
        var db: OpaquePointer?
        let flags = (mode == .readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = SQLiteError.errorMessage(db, code)
            sqlite3_close_v2(db)
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        self.sqlite = db
        self.remote = nil
        self.path = path
        self.mode = mode
        do {
            let ms = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
            try SQLiteError.check(sqlite3_busy_timeout(db, Int32(clamping: ms)), db)
            try SQLiteError.check(sqlite3_extended_result_codes(db, 1), db)
            try SQLiteError.check(warehouse_sqlite3_enable_defensive(db), db)
            try startTrace(db)
            if mode == .readWrite {
                try execute("PRAGMA journal_mode = WAL")
                try execute("PRAGMA synchronous = NORMAL")
            } else {
                try execute("PRAGMA query_only = 1")
            }
            try execute("PRAGMA foreign_keys = ON")
            // Verify the file is a database at all (sqlite3_open is lazy).
            try execute("SELECT count(*) FROM sqlite_master")
        } catch {
            // Every stored property is set, so deinit runs on this throw and closes the handle and
            // the trace file; closing them here too closed them twice (SQLITE_MISUSE, an assertion
            // failure in debug builds) when a read-only open failed on a full disk.
            throw Database.explainingFullDisk(error, path: path)
        }
    }

    /// A connection to a warehouse on a server: every statement goes through `remote`, in
    /// SQLite's spelling, and transactions are the server's.
    public init(remote: any RemoteConnection, mode: Mode = .readWrite) {
        self.sqlite = nil
        self.remote = remote
        self.path = remote.location
        self.mode = mode
    }

    /// With `WAREHOUSE_SQL_TRACE=FILE` set, appends the text of every statement this connection
    /// runs to FILE (placeholders, never bound values): how the README shows that the nightly run
    /// opens one transaction per page and no savepoint.
    private func startTrace(_ db: OpaquePointer) throws {
        guard let path = ProcessInfo.processInfo.environment["WAREHOUSE_SQL_TRACE"], !path.isEmpty else { return }
        guard let file = fopen(path, "a") else {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "WAREHOUSE_SQL_TRACE: cannot open \(path): \(String(cString: strerror(errno)))")
        }
        setvbuf(file, nil, _IOLBF, 0)
        trace = file
        try SQLiteError.check(warehouse_sqlite3_trace_to(db, file), db)
    }

    deinit {
        // Statements first: close_v2 would otherwise defer the close until they are finalized.
        cache.removeAll()
        guard let sqlite else { return }
        // A deinit cannot report an error; close_v2 only fails on a misuse that the cache removal rules out.
        let code = sqlite3_close_v2(sqlite)
        assert(code == SQLITE_OK, "sqlite3_close_v2 failed: \(code)")
        if let trace { fclose(trace) }
    }

    /// An I/O error opening a WAL database on a full filesystem (SQLite cannot size the `-shm`
    /// file and says "disk I/O error"): said as it is, the disk being full.
    static func explainingFullDisk(_ error: any Error, path: String) -> any Error {
        guard let error = error as? SQLiteError, error.primaryCode == SQLITE_IOERR || error.primaryCode == SQLITE_FULL else { return error }
        var info = statvfs()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard statvfs(directory, &info) == 0, info.f_bavail == 0 else { return error }
        return SQLiteError(code: error.code, message: "cannot open \(path): no space left on the device (\(error.message))", statement: error.statement)
    }

    /// Creates an empty file readable and writable by its owner only.
    static func createOwnerOnly(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { return }
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }

    // MARK: Statements

    /// Prepares a statement (not cached).
    public func prepare(_ sql: String) throws -> Statement { try Statement(database: self, sql: sql) }

    /// A prepared statement from this connection's cache: prepared once, reused on every call.
    public func cached(_ sql: String) throws -> Statement {
        if let statement = cache[sql] { return statement }
        let statement = try prepare(sql)
        cache[sql] = statement
        return statement
    }

    /// Runs SQL text holding any number of statements, without parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        if let remote { return try remote.execute(sql) }
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        if code != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? SQLiteError.errorMessage(handle, code)
            sqlite3_free(error)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, statement: sql)
        }
    }

    /// Runs one statement with positional parameters; returns the rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: any SQLBindable...) throws -> Int {
        try cached(sql).bind(values).run()
    }

    /// All rows of a query as values.
    public func rows(_ sql: String, _ values: any SQLBindable...) throws -> [[SQLValue]] {
        try cached(sql).bind(values).map { $0.values }
    }

    /// The first column of the first row, or nil.
    public func scalar(_ sql: String, _ values: any SQLBindable...) throws -> SQLValue? {
        try cached(sql).bind(values).first { $0.value(0) }
    }

    /// SQLite's count of rows the last statement changed (`warehouse sql --write` on a file; a
    /// server's statement returns its own count from `Statement.run`).
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// SQLite's last inserted rowid (write `RETURNING` where a server may run the statement).
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// SQLite's count of rows changed since the connection opened (tests read it).
    public var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }

    public var isInTransaction: Bool { remote == nil ? sqlite3_get_autocommit(handle) == 0 : remoteTransactionOpen }
    /// Whether `transaction` has begun a server's transaction it has not yet ended (the server
    /// does not say; SQLite's autocommit flag does).
    private var remoteTransactionOpen = false

    // MARK: Transactions

    public enum TransactionKind: String, Sendable { case deferred = "DEFERRED", immediate = "IMMEDIATE" }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws (the
    /// error is rethrown). Nested calls become savepoints, so an inner failure undoes only the
    /// inner work. `immediate` takes the write lock at the start, so a batch never fails half-way
    /// on a lock held by another writer.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        let savepoint = "warehouse_\(transactionDepth)"
        if transactionDepth == 0 {
            // A server's transactions lock rows as they are written: no BEGIN IMMEDIATE there.
            try execute(remote == nil ? "BEGIN \(kind.rawValue)" : "BEGIN")
            remoteTransactionOpen = remote != nil
        } else {
            try execute("SAVEPOINT \(savepoint)")
        }
        transactionDepth += 1
        // The depth goes down exactly once, whether the body, the COMMIT or the RELEASE fails: a
        // COMMIT refused on a full disk used to take it to -1, and the next transaction then
        // failed on `SAVEPOINT warehouse_-1` instead of the disk-full error being reported.
        let result: T
        do {
            result = try body()
        } catch {
            transactionDepth -= 1
            undo(savepoint)
            throw error
        }
        transactionDepth -= 1
        if transactionDepth == 0 {
            try commitOrRollback()
        } else {
            do {
                try execute("RELEASE \(savepoint)")
            } catch {
                undo(savepoint)
                throw error
            }
        }
        return result
    }

    /// On a server, waits for and takes the lock `name` until the current transaction ends:
    /// several workers share the database, and repricing (whose cost centers, names and rollups
    /// are shared between sources) takes one at a time. On a file, whose write transactions
    /// are one at a time already, nothing.
    public func lockForTransaction(_ name: String) throws {
        try remote?.transactionLock(name)
    }

    /// Rolls back the outer transaction, or the inner work of `savepoint`.
    private func undo(_ savepoint: String) {
        rollbackCount += 1
        if transactionDepth == 0 {
            if isInTransaction { try? execute("ROLLBACK") }
            remoteTransactionOpen = false
        } else {
            try? execute("ROLLBACK TO \(savepoint)")
            try? execute("RELEASE \(savepoint)")
        }
    }

    private func commitOrRollback() throws {
        do {
            try execute("COMMIT")
            remoteTransactionOpen = false
        } catch {
            rollbackCount += 1
            if isInTransaction { try? execute("ROLLBACK") }
            remoteTransactionOpen = false
            throw error
        }
    }

    // MARK: Maintenance

    /// `PRAGMA integrity_check`: "ok", or the problems found.
    public func integrityCheck() throws -> [String] {
        if remote != nil { return ["ok"] }
        return try prepare("PRAGMA integrity_check").map { $0.string(0) }
    }

    /// Writes the WAL back into the main file (for a clean copy or before a backup).
    public func checkpointWAL() throws {
        if remote != nil { return }
        try execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
