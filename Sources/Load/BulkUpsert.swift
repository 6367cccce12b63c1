import Foundation

/// Upserts rows into one table through one prepared statement.
///
/// `INSERT ... ON CONFLICT (natural key) DO UPDATE SET ... WHERE <something differs>`: a row that
/// is already there unchanged is not written at all, so loading the same data twice changes
/// nothing (not even the file), and a re-pulled record replaces its earlier version.
/// Call `upsert` inside `Database.transaction` so a batch commits whole or not at all.
public final class BulkUpsert {
    public let table: String
    public let columns: [String]
    public let key: [String]
    let statement: Statement

    public private(set) var written = 0
    public private(set) var unchanged = 0

    /// - Parameters:
    ///   - columns: the columns every row provides, in order.
    ///   - key: the natural key (a UNIQUE constraint or primary key of the table).
    public init(_ db: Database, table: String, columns: [String], key: [String]) throws {
        precondition(Set(key).isSubset(of: Set(columns)), "key columns must be among the columns")
        self.table = table
        self.columns = columns
        self.key = key
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let updates = columns.filter { !key.contains($0) }
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
        sql += " ON CONFLICT (\(key.joined(separator: ", ")))"
        if updates.isEmpty {
            sql += " DO NOTHING"
        } else {
            sql += " DO UPDATE SET " + updates.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            sql += " WHERE " + updates.map { "\(table).\($0) IS NOT excluded.\($0)" }.joined(separator: " OR ")
        }
        self.statement = try db.cached(sql)
    }

    /// Inserts or updates one row; returns true when the table changed.
    @discardableResult
    public func upsert(_ values: [any SQLBindable]) throws -> Bool {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        try statement.bind(values)
        let changed = try statement.run() > 0
        if changed { written += 1 } else { unchanged += 1 }
        return changed
    }

    /// Upserts many rows; returns how many changed the table.
    @discardableResult
    public func upsert(rows: some Sequence<[any SQLBindable]>) throws -> Int {
        var changed = 0
        for row in rows where try upsert(row) { changed += 1 }
        return changed
    }
}
