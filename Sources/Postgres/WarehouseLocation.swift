import Foundation
import Load

/// Where a warehouse lives: a SQLite file (a path) or a PostgreSQL database (a URL), as `--db`,
/// `WAREHOUSE_DB`, `copy --from` and `copy --to` name it.
public enum WarehouseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(String)
    case postgres(PostgresURL)

    /// `postgres://…` or `postgresql://…` is PostgreSQL (its password found as `PostgresURL` says);
    /// anything else is a path.
    public static func parse(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WarehouseLocation {
        PostgresURL.isPostgres(text) ? .postgres(try PostgresURL.parse(text, environment: environment)) : .sqlite(text)
    }

    /// The path, or the URL without a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return url.redacted
        }
    }
}

/// Either side of a copy or a check: the same question asked of SQLite or PostgreSQL.
enum WarehouseSide {
    case sqlite(Database)
    case postgres(PostgresSession)

    func rows(_ sql: String) async throws -> [[SQLValue]] {
        switch self {
        case .sqlite(let db): return try db.prepare(sql).map { $0.values }
        case .postgres(let session): return try await session.rows(sql)
        }
    }

    func count(_ table: String) async throws -> Int64 {
        try await rows("SELECT count(*) FROM \(SQLName.quoted(table))").first?.first?.int64 ?? -1
    }

    /// The tables of the warehouse (not views), by name.
    func tables() async throws -> [String] {
        switch self {
        case .sqlite:
            return try await rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .compactMap { $0.first?.string }
        case .postgres:
            return try await rows(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
            ).compactMap { $0.first?.string }
        }
    }

    /// The columns of `table`, in order.
    func columns(_ table: String) async throws -> [String] {
        switch self {
        case .sqlite(let db):
            return try db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid").bind(table).map { $0.string(0) }
        case .postgres(let session):
            return try await session.rows(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                [.text(table)]
            ).compactMap { $0.first?.string }
        }
    }
}

/// Identifiers written into SQL: only names read from a schema's own catalog, double-quoted.
enum SQLName {
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
