import CSQLite
import Foundation

/// A prepared statement: compiled once, bound and stepped many times, finalized in `deinit`.
///
/// Not thread-safe; it belongs to its `Database`, which is used from one thread at a time.
/// Modeled on GRDB's `Statement`: https://github.com/groue/GRDB.swift
public final class Statement {
    private let sqliteHandle: OpaquePointer?
    /// SQLite's statement; only the SQLite paths (`remote == nil`) read it.
    var handle: OpaquePointer { sqliteHandle! }
    unowned let database: Database
    public let sql: String
    /// The server the statement runs on (nil: SQLite), held here rather than read through the
    /// unowned `database`: a statement may outlive its connection object, as SQLite's
    /// `sqlite3_close_v2` allows (`warehouse copy` streams one that way).
    private let remote: (any RemoteConnection)?
    /// On a server: the values bound so far, the rows of the run being stepped through (read a
    /// batch at a time, `RemoteConnection.rows`), and the row `step()` stopped on.
    private var remoteValues: [SQLValue] = []
    private var remoteRows: (any RemoteRows)?
    private var remoteRow: [SQLValue] = []

    init(database: Database, sql: String) throws {
        self.database = database
        self.sql = sql
        self.remote = database.remote
        guard database.remote == nil else {
            // The server parses the text when it runs; nothing to compile here.
            self.sqliteHandle = nil
            return
        }
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let code = sql.withCString { sqlite3_prepare_v3(database.handle, $0, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail) }
        try SQLiteError.check(code, database.handle, sql)
        guard let statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "no statement in SQL text", statement: sql)
        }
        if let tail, tail.pointee != 0, Statement.holdsAnotherStatement(database.handle, tail) {
            sqlite3_finalize(statement)
            throw SQLiteError(code: SQLITE_MISUSE, message: "more than one statement; run them one at a time", statement: sql)
        }
        self.sqliteHandle = statement
    }

    /// True when the text after the first statement holds another one; whitespace, `;` and
    /// comments (`SELECT 1; -- note`) do not count. SQLite itself decides: preparing a tail of
    /// only comments gives no statement; a syntax error in the tail counts as a statement.
    static func holdsAnotherStatement(_ handle: OpaquePointer, _ tail: UnsafePointer<CChar>) -> Bool {
        var next = tail
        while next.pointee != 0 {
            var statement: OpaquePointer?
            var rest: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(handle, next, -1, &statement, &rest)
            if let statement { sqlite3_finalize(statement) }
            guard code == SQLITE_OK, statement == nil else { return true }
            guard let rest, rest != next else { return false }
            next = rest
        }
        return false
    }

    /// sqlite3_finalize returns the error of the last step, which `step()` already reported. A
    /// server's rows still being stepped are closed.
    deinit {
        remoteRows?.close()
        if let sqliteHandle { _ = sqlite3_finalize(sqliteHandle) }
    }

    // The four below read SQLite's compiled statement: `warehouse sql` and `copy` on a file only.

    /// True when the statement cannot change the database (`warehouse sql` without `--write`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// The name of parameter `index` (1-based) with its prefix (`:name`, `@name`, `$name`), if any.
    public func parameterName(_ index: Int) -> String? {
        sqlite3_bind_parameter_name(handle, Int32(index)).map { String(cString: $0) }
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public var columnNames: [String] {
        (0..<columnCount).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
    }

    // MARK: Binding

    /// Binds positional values, 1-based, after clearing earlier bindings.
    @discardableResult
    public func bind(_ values: [any SQLBindable]) throws -> Statement {
        try reset()
        for (offset, value) in values.enumerated() { try bind(value.sqlValue, at: offset + 1) }
        return self
    }

    @discardableResult
    public func bind(_ values: any SQLBindable...) throws -> Statement { try bind(values) }

    /// Binds named values (`:name`, `@name` or `$name` in the SQL, given with or without the prefix).
    /// A parameter of the statement with no value is an error naming it.
    @discardableResult
    public func bind(named values: [String: SQLValue]) throws -> Statement {
        guard remote == nil else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "named parameters are bound by the server's own statement (warehouse sql)", statement: sql)
        }
        try reset()
        for index in 1...max(parameterCount, 1) where index <= parameterCount {
            guard let name = parameterName(index) else {
                throw SQLiteError(code: SQLITE_RANGE, message: "positional parameter ?\(index) needs a name (use :name)", statement: sql)
            }
            let bare = String(name.dropFirst())
            guard let value = values[bare] ?? values[name] else {
                throw SQLiteError(code: SQLITE_RANGE, message: "no value for parameter \(name)", statement: sql)
            }
            try bind(value, at: index)
        }
        return self
    }

    public func bind(_ value: SQLValue, at index: Int) throws {
        guard remote == nil else {
            while remoteValues.count < index { remoteValues.append(.null) }
            remoteValues[index - 1] = value
            return
        }
        let i = Int32(index)
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, i)
        case .integer(let v): code = sqlite3_bind_int64(handle, i, v)
        case .real(let v): code = sqlite3_bind_double(handle, i, v)
        case .text(let v):
            code = v.withCString { warehouse_sqlite3_bind_text_transient(handle, i, $0, Int32(v.utf8.count)) }
        case .blob(let d):
            code = d.withUnsafeBytes { warehouse_sqlite3_bind_blob_transient(handle, i, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(d.count)) }
        }
        try SQLiteError.check(code, database.handle, sql)
    }

    /// Resets the statement and clears its bindings, ready for the next use.
    public func reset() throws {
        guard remote == nil else {
            remoteValues = []
            stopRemoteRows()
            return
        }
        // sqlite3_reset returns the error of the last step, which was already reported by step().
        _ = sqlite3_reset(handle)
        try SQLiteError.check(sqlite3_clear_bindings(handle), database.handle, sql)
    }

    // MARK: Stepping

    /// Steps once; true when a row is available.
    public func step() throws -> Bool {
        if let remote {
            let rows = try remoteRows ?? remote.rows(sql, remoteValues)
            remoteRows = rows
            do {
                if let row = try rows.next() {
                    remoteRow = row
                    return true
                }
            } catch {
                stopRemoteRows()
                throw error
            }
            // Done: the next step runs the statement again, as SQLite's does after SQLITE_DONE.
            stopRemoteRows()
            return false
        }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        let error = SQLiteError(code: sqlite3_extended_errcode(database.handle), message: SQLiteError.errorMessage(database.handle, code), statement: sql)
        _ = sqlite3_reset(handle)
        throw error
    }

    /// The values of the row the last `step()` stopped on: for a caller that steps by itself, to
    /// hand rows on between steps (`warehouse copy` streams a table to PostgreSQL this way).
    public var rowValues: [SQLValue] { currentRow.values }

    /// The row the last `step()` stopped on.
    private var currentRow: Row {
        guard remote != nil else { return Row(statement: self) }
        return Row(values: remoteRow)
    }

    /// Ends the stepping of a server's rows, closing them if they were not read to the end.
    private func stopRemoteRows() {
        remoteRows?.close()
        remoteRows = nil
        remoteRow = []
    }

    /// Runs the statement to completion, discarding rows; returns the number of rows changed.
    @discardableResult
    public func run() throws -> Int {
        if let remote {
            stopRemoteRows()
            return try remote.run(sql, remoteValues).changes
        }
        while try step() {}
        _ = sqlite3_reset(handle)
        return Int(sqlite3_changes64(database.handle))
    }

    /// Calls `body` for each row. On a server the rows arrive a batch at a time
    /// (`RemoteConnection.rows`), so `body` may run other statements on the same connection, and
    /// the rows are closed however the loop ends.
    public func forEachRow(_ body: (Row) throws -> Void) throws {
        if let remote {
            stopRemoteRows()
            let rows = try remote.rows(sql, remoteValues)
            defer { rows.close() }
            while let values = try rows.next() { try body(Row(values: values)) }
            return
        }
        defer { _ = sqlite3_reset(handle) }
        while try step() { try body(Row(statement: self)) }
    }

    /// All rows, mapped.
    public func map<T>(_ transform: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEachRow { result.append(try transform($0)) }
        return result
    }

    /// The first row, mapped, or nil: on a server one round trip, whole (no cursor).
    public func first<T>(_ transform: (Row) throws -> T) throws -> T? {
        if let remote {
            stopRemoteRows()
            return try remote.run(sql, remoteValues).rows.first.map { try transform(Row(values: $0)) }
        }
        defer { _ = sqlite3_reset(handle) }
        return try step() ? transform(Row(statement: self)) : nil
    }
}

/// The current row of a stepping statement, or a row already read into values (a PostgreSQL
/// reader's): valid only inside the closure it is passed to. The statement case is a reference,
/// so SQLite's rows cost no allocation; a materialized row converts as SQLite's column functions
/// do (`numeric` sums arrive as exact text, read back as integers here).
public struct Row {
    enum Source {
        case statement(Statement)
        case values([SQLValue])
    }

    let source: Source

    init(statement: Statement) { source = .statement(statement) }

    /// A row read elsewhere, as values.
    public init(values: [SQLValue]) { source = .values(values) }

    /// Column `index` of a materialized row (`.null` past its end).
    private func cell(_ index: Int) -> SQLValue {
        guard case .values(let values) = source, index < values.count else { return .null }
        return values[index]
    }

    public var count: Int {
        switch source {
        case .statement(let statement): return statement.columnCount
        case .values(let values): return values.count
        }
    }

    public func isNull(_ index: Int) -> Bool {
        guard case .statement(let statement) = source else { return cell(index).isNull }
        return sqlite3_column_type(statement.handle, Int32(index)) == SQLITE_NULL
    }

    public func int64(_ index: Int) -> Int64 {
        guard case .statement(let statement) = source else { return Self.int64(cell(index)) }
        return sqlite3_column_int64(statement.handle, Int32(index))
    }

    public func int(_ index: Int) -> Int { Int(int64(index)) }

    public func optionalInt64(_ index: Int) -> Int64? { isNull(index) ? nil : int64(index) }

    public func double(_ index: Int) -> Double {
        guard case .statement(let statement) = source else { return Self.double(cell(index)) }
        return sqlite3_column_double(statement.handle, Int32(index))
    }

    /// Text of column `index` ("" for NULL).
    public func string(_ index: Int) -> String {
        guard case .statement(let statement) = source else { return cell(index).string ?? "" }
        guard let text = sqlite3_column_text(statement.handle, Int32(index)) else { return "" }
        let length = Int(sqlite3_column_bytes(statement.handle, Int32(index)))
        return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
    }

    public func optionalString(_ index: Int) -> String? { isNull(index) ? nil : string(index) }

    public func data(_ index: Int) -> Data {
        guard case .statement(let statement) = source else {
            if case .blob(let data) = cell(index) { return data }
            return Data((cell(index).string ?? "").utf8)
        }
        guard let bytes = sqlite3_column_blob(statement.handle, Int32(index)) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(statement.handle, Int32(index))))
    }

    /// The column as it is stored, whatever its type.
    public func value(_ index: Int) -> SQLValue {
        guard case .statement(let statement) = source else { return cell(index) }
        switch sqlite3_column_type(statement.handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(string(index))
        case SQLITE_BLOB: return .blob(data(index))
        default: return .null
        }
    }

    public var values: [SQLValue] {
        if case .values(let values) = source { return values }
        return (0..<count).map(value)
    }

    /// A value as an integer, the way `sqlite3_column_int64` reads one: exact text (a `numeric`
    /// sum) as its whole number, a real truncated, anything else 0.
    static func int64(_ value: SQLValue) -> Int64 {
        switch value {
        case .integer(let v): return v
        case .real(let v): return Int64(exactly: v.rounded(.towardZero)) ?? 0
        case .text(let t): return Int64(t) ?? Int64(exactly: (Double(t) ?? 0).rounded(.towardZero)) ?? 0
        default: return 0
        }
    }

    static func double(_ value: SQLValue) -> Double {
        switch value {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        case .text(let t): return Double(t) ?? 0
        default: return 0
        }
    }
}
