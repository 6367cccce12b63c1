import Foundation
import Load
import WarehouseCore

/// `warehouse copy --from A --to B`: every table of a warehouse into a fresh one on the other
/// back end (SQLite to PostgreSQL, or back), in one transaction on the destination, then checked
/// (`CopyCheck`) before that transaction commits. Nothing is written to the source.
///
/// Not copied: `schema_version` (the destination records its own) and `charge_totals`, which the
/// destination's triggers rebuild from `charge_facts` as the rows arrive; the check then compares
/// it with the source's, so a copy that lost or changed a charge cannot commit.
public enum WarehouseCopy {
    /// What was copied: rows per table, in copy order.
    public struct Report: Sendable {
        public var tables: [(name: String, rows: Int64)] = []
        public var totalRows: Int64 { tables.reduce(0) { $0 + $1.rows } }
    }

    static let notCopied: Set<String> = ["schema_version", "charge_totals"]

    /// Rows every new warehouse is created with (`charge_kinds` key 0, plain usage): neither
    /// copied nor counted as content; the condition selects the rest.
    static let seeded: [String: String] = ["charge_kinds": "charge_key <> 0"]

    /// ` WHERE` the rows of `table` that are not its seed rows, or nothing.
    static func unseeded(_ table: String) -> String { seeded[table].map { " WHERE \($0)" } ?? "" }

    public static func copy(from source: WarehouseLocation, to destination: WarehouseLocation, now: UTCTime = .now()) async throws -> Report {
        guard Migrations.latestVersion == PostgresSchema.sqliteVersion else {
            throw PostgresError(
                "copy: this build's SQLite schema is version \(Migrations.latestVersion) but its PostgreSQL schema ports version \(PostgresSchema.sqliteVersion)")
        }
        switch (source, destination) {
        case (.sqlite(let path), .postgres(let url)):
            return try await sqliteToPostgres(path: path, url: url, now: now)
        case (.postgres(let url), .sqlite(let path)):
            return try await postgresToSQLite(url: url, path: path)
        case (.sqlite, .sqlite):
            throw PostgresError("copy: both sides are SQLite files; copy the file (see README, \"Backing up\")")
        case (.postgres, .postgres):
            throw PostgresError("copy: both sides are PostgreSQL; use pg_dump and pg_restore")
        }
    }

    // MARK: SQLite → PostgreSQL

    static func sqliteToPostgres(path: String, url: PostgresURL, now: UTCTime) async throws -> Report {
        let db = try Database.openWarehouseReadOnly(path: path)
        try db.execute("BEGIN")  // one read snapshot of the source for the copy and its check
        defer { try? db.execute("ROLLBACK") }
        return try await PostgresSession.with(url) { session in
            try await sqliteToPostgres(db, session, now: now)
        }
    }

    static func sqliteToPostgres(_ db: Database, _ session: PostgresSession, now: UTCTime) async throws -> Report {
        let url = session.url
        try await session.execute("BEGIN")
        do {
            _ = try session.createOrCheckWarehouse(now: now)
            let from = WarehouseSide.sqlite(db), to = WarehouseSide.postgres(session)
            try await requireEmpty(to, shown: url.redacted)
            var report = Report()
            for table in try await copyOrder(db) {
                let rows = try await copyTable(table, from: db, to: session)
                report.tables.append((table, rows))
            }
            try await session.resetIdentities()
            try await CopyCheck.compare(source: from, destination: to, tables: report.tables.map(\.name) + ["charge_totals"])
            try await session.execute("COMMIT")
            return report
        } catch {
            _ = try? await session.execute("ROLLBACK")
            throw error
        }
    }

    /// Streams one table to COPY. A column PostgreSQL has and SQLite lacks must be the
    /// distribution column of a table keyed by `usage_id`; it is taken from the usage row.
    static func copyTable(_ table: String, from db: Database, to session: PostgresSession) async throws -> Int64 {
        let columns = try await WarehouseSide.sqlite(db).columns(table)
        let target = try await WarehouseSide.postgres(session).columns(table)
        let missing = columns.filter { !target.contains($0) }
        guard missing.isEmpty else {
            throw PostgresError("copy: \(session.url.redacted): table \(table) has no column \(missing[0]); the two schemas differ")
        }
        var select = "SELECT " + columns.map { "t." + SQLName.quoted($0) }.joined(separator: ", ")
        var into = columns
        for extra in target where !columns.contains(extra) {
            guard extra == PostgresSchema.distributionColumn, columns.contains("usage_id") else {
                throw PostgresError("copy: \(session.url.redacted): table \(table) has a column \(extra) that SQLite lacks and copy cannot fill")
            }
            select += ", f.account_key"
            into.append(extra)
        }
        select += " FROM \(SQLName.quoted(table)) t"
        if into.count > columns.count { select += " JOIN usage_facts f ON f.usage_id = t.usage_id" }
        select += unseeded(table)
        let statement = try db.prepare(select)
        let rows = SteppedRows(statement: statement)
        try await session.copy(into: table, columns: into, rows: rows)
        if let error = rows.error { throw error }
        return rows.count
    }

    // MARK: PostgreSQL → SQLite

    static func postgresToSQLite(url: PostgresURL, path: String) async throws -> Report {
        try await PostgresSession.with(url) { session in try await postgresToSQLite(session, path: path) }
    }

    static func postgresToSQLite(_ session: PostgresSession, path: String) async throws -> Report {
        let url = session.url
        try await session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let version = try session.schemaVersion()
        guard version > 0 else { throw PostgresError("copy: \(url.redacted): no warehouse here; run `warehouse init` there first") }
        try session.checkVersion(version)
        let created = !FileManager.default.fileExists(atPath: path)
        let db: Database
        do {
            db = try openFreshSQLite(path: path, created: created)
        } catch {
            if created { removeSQLite(path) }
            throw error
        }
        do {
            try await requireEmpty(.sqlite(db), shown: path)
            try db.execute("BEGIN IMMEDIATE")
            var report = Report()
            for table in try await copyOrder(db) {
                let rows = try await copyTable(table, from: session, to: db)
                report.tables.append((table, rows))
            }
            try await CopyCheck.compare(
                source: .postgres(session), destination: .sqlite(db), tables: report.tables.map(\.name) + ["charge_totals"])
            try db.execute("COMMIT")
            _ = try? await session.execute("ROLLBACK")
            return report
        } catch {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            if created { removeSQLite(path) }
            throw error
        }
    }

    /// A new warehouse file, or an existing one of this version with no rows yet.
    static func openFreshSQLite(path: String, created: Bool) throws -> Database {
        if created { return try Database.openWarehouse(path: path) }
        let db = try Database(path: path, mode: .readWrite)
        let version = try db.schemaVersion()
        guard version == Migrations.latestVersion else {
            throw PostgresError("copy: \(path): schema version \(version), expected \(Migrations.latestVersion); the destination must be a fresh warehouse")
        }
        return db
    }

    static func removeSQLite(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func copyTable(_ table: String, from session: PostgresSession, to db: Database) async throws -> Int64 {
        let columns = try await WarehouseSide.sqlite(db).columns(table)
        let list = columns.map(SQLName.quoted).joined(separator: ", ")
        let insert = try db.prepare(
            "INSERT INTO \(SQLName.quoted(table)) (\(list)) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
        var count: Int64 = 0
        try await session.forEachRow("SELECT \(list) FROM \(SQLName.quoted(table))" + unseeded(table)) { row in
            try insert.bind(row).run()
            count += 1
        }
        return count
    }

    // MARK: Both ways

    /// Every table with rows would make the copy a merge; only an empty warehouse is a destination.
    static func requireEmpty(_ side: WarehouseSide, shown: String) async throws {
        for table in try await side.tables() where table != "schema_version" {
            if try await side.rows("SELECT 1 FROM \(SQLName.quoted(table))" + unseeded(table) + " LIMIT 1").count > 0 {
                throw PostgresError("copy: \(shown) is not empty (table \(table) has rows); the destination must be a fresh warehouse")
            }
        }
    }

    /// The tables to copy, each after the tables its foreign keys point to (SQLite's catalog).
    static func copyOrder(_ db: Database) async throws -> [String] {
        let tables = try await WarehouseSide.sqlite(db).tables().filter { !notCopied.contains($0) }
        var parents: [String: Set<String>] = [:]
        for table in tables {
            parents[table] = Set(try db.prepare("SELECT \"table\" FROM pragma_foreign_key_list(?)").bind(table).map { $0.string(0) })
                .subtracting([table]).intersection(tables)
        }
        var order: [String] = [], placed = Set<String>()
        while order.count < tables.count {
            guard let next = tables.first(where: { !placed.contains($0) && parents[$0, default: []].isSubset(of: placed) }) else {
                throw PostgresError("copy: the tables' foreign keys form a cycle; cannot order the copy")
            }
            order.append(next)
            placed.insert(next)
        }
        return order
    }
}

/// A prepared SQLite statement's rows, stepped one at a time as the consumer asks for them; an
/// error stops the sequence and is kept in `error` for the caller to throw.
final class SteppedRows: Sequence, IteratorProtocol {
    let statement: Statement
    private(set) var error: (any Error)?
    private(set) var count: Int64 = 0

    init(statement: Statement) { self.statement = statement }

    func next() -> [SQLValue]? {
        guard error == nil else { return nil }
        do {
            guard try statement.step() else { return nil }
            count += 1
            return statement.rowValues
        } catch {
            self.error = error
            return nil
        }
    }
}
