import Foundation

/// The SQL a warehouse speaks: where Query's text must differ, it asks this (one place per
/// difference), so SQLite's text stays exactly what it was.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// `expression` compared ignoring case: SQLite's `COLLATE NOCASE`; on PostgreSQL the columns
    /// SQLite declares NOCASE are `citext` already, so the expression as it is.
    public func nocase(_ expression: String) -> String {
        self == .sqlite ? "\(expression) COLLATE NOCASE" : expression
    }

    /// `expression` compared byte by byte even when its column ignores case.
    public func binary(_ expression: String) -> String {
        self == .sqlite ? "\(expression) COLLATE BINARY" : "(\(expression))::text"
    }

    /// The texts of a group joined by `separator` (order unspecified: callers add them up).
    /// PostgreSQL's quantities are `numeric`, whose text is the canonical decimal SQLite keeps.
    public func joined(_ expression: String, separator: String) -> String {
        self == .sqlite ? "group_concat(\(expression), '\(separator)')" : "string_agg(CAST(\(expression) AS text), '\(separator)')"
    }

    /// The one-character text of `code`.
    public func character(_ code: Int) -> String { self == .sqlite ? "char(\(code))" : "chr(\(code))" }

    /// The larger of two values: SQLite's two-argument `max`, PostgreSQL's `GREATEST`.
    public func greatest(_ a: String, _ b: String) -> String { self == .sqlite ? "max(\(a), \(b))" : "GREATEST(\(a), \(b))" }

    /// A row's own address in a table without a key of its own: SQLite's `rowid`, PostgreSQL's
    /// `ctid` (stable within the transaction that reads and deletes it).
    public var rowAddress: String { self == .sqlite ? "rowid" : "ctid" }

    /// The elements of a JSON array held as text, as a table `alias` whose column `value` is each
    /// element's text.
    public func jsonArray(_ expression: String, as alias: String) -> String {
        self == .sqlite ? "json_each(\(expression)) \(alias)" : "jsonb_array_elements_text((\(expression))::jsonb) AS \(alias)(value)"
    }

    /// A table of the warehouse itself: SQLite's `main` schema, PostgreSQL's search path.
    public func table(_ name: String) -> String { self == .sqlite ? "main.\(name)" : name }
}

/// What Query reads a warehouse through: SQLite's `Database`, or a PostgreSQL reader (the
/// Postgres module) holding one read-only snapshot for the whole command. Invoice assembly stays
/// one Swift code path above it, so the two back ends cannot disagree on what an invoice says.
///
/// SQL text uses numbered parameters (`?1`, `?2`…; a reader for another dialect renumbers them);
/// values are always bound, never pasted into the text.
public protocol WarehouseReader: AnyObject {
    var dialect: SQLDialect { get }
    /// The file's path, or the database's URL without its password.
    var location: String { get }
    /// Runs one query with `values` bound to `?1`, `?2`…, calling `body` with each row.
    func query(_ sql: String, _ values: [SQLValue], _ body: (Row) throws -> Void) throws
    /// Whether the warehouse has a table (not a view) named `name`.
    func hasTable(_ name: String) throws -> Bool
}

extension WarehouseReader {
    /// Runs one query, its parameters given inline.
    public func query(_ sql: String, _ values: any SQLBindable..., body: (Row) throws -> Void) throws {
        try query(sql, values.map(\.sqlValue), body)
    }

    /// All rows, mapped.
    public func map<T>(_ sql: String, _ values: any SQLBindable..., transform: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try query(sql, values.map(\.sqlValue)) { result.append(try transform($0)) }
        return result
    }

    /// The first row's values, or nil.
    public func firstRow(_ sql: String, _ values: any SQLBindable...) throws -> [SQLValue]? {
        var first: [SQLValue]?
        try query(sql, values.map(\.sqlValue)) { row in if first == nil { first = row.values } }
        return first
    }

    /// The first column of the first row, or nil.
    public func value(_ sql: String, _ values: any SQLBindable...) throws -> SQLValue? {
        var first: SQLValue?
        try query(sql, values.map(\.sqlValue)) { row in if first == nil { first = row.value(0) } }
        return first
    }
}

extension Database: WarehouseReader {
    public var dialect: SQLDialect { remote == nil ? .sqlite : .postgres }
    public var location: String { path }

    public func query(_ sql: String, _ values: [SQLValue], _ body: (Row) throws -> Void) throws {
        try prepare(sql).bind(values).forEachRow(body)
    }

    public func hasTable(_ name: String) throws -> Bool {
        let catalog = remote == nil
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name = ?1"
        return try scalar(catalog, name)?.int64 == 1
    }
}
