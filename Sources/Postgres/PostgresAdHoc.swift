import Foundation
import Load
import PostgresNIO
import Query

/// `warehouse sql --db postgres://…`: one statement, its named parameters bound (`:name`, `@name`,
/// `$name`, as on SQLite, sent as `$1`, `$2`…, never pasted into the text), inside a
/// `READ ONLY` transaction unless the caller asks to write
/// (https://www.postgresql.org/docs/15/sql-set-transaction.html). The rows come back as the
/// `ResultTable` the SQLite path prints, so every output format is the same code.
public enum PostgresAdHoc {
    public struct Result: Sendable {
        public var table: ResultTable
        /// Rows the statement changed (with `--write`), as the server's command tag says.
        public var changed: Int?
    }

    public static func run(_ url: PostgresURL, sql: String, parameters: [String: SQLValue], allowWrite: Bool) async throws -> Result {
        let statements = SQLScript.statements(sql)
        guard statements.count == 1, let statement = statements.first else {
            throw PostgresError(statements.isEmpty ? "no SQL statement given" : "more than one statement; run them one at a time")
        }
        let (text, names) = SQLScript.positional(statement)
        var values: [SQLValue] = []
        for name in names {
            guard let value = parameters[name] ?? parameters[":" + name] else { throw PostgresError("no value for parameter :\(name)") }
            // As text with no type: the server reads it as whatever type the place it is used needs.
            values.append(value.isNull ? .null : .text(value.description))
        }
        return try await PostgresSession.with(url) { session in
            // As SQLite's `sql --write` opens its file (Database.openWarehouse): the warehouse
            // made or checked first, so an older one of this version gains the views' triggers
            // before a hand repair writes through them.
            if allowWrite { try session.initializeWarehouse() }
            try await session.execute(allowWrite ? "BEGIN" : "BEGIN READ ONLY")
            do {
                // A snapshot taken now makes the transaction's read-only mode final: a statement
                // cannot switch it back with SET TRANSACTION READ WRITE.
                if !allowWrite { try await session.execute("SELECT 1") }
                let result = try await session.adHoc(text, values, counting: allowWrite)
                try await session.execute(allowWrite ? "COMMIT" : "ROLLBACK")
                return result
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw readOnlyRefusal(error) ?? error
            }
        }
    }

    /// A write refused by the read-only transaction (SQLSTATE 25006), said as the SQLite path says it.
    static func readOnlyRefusal(_ error: any Error) -> PostgresError? {
        guard let error = error as? PostgresError, error.message.contains("SQLSTATE 25006") else { return nil }
        return PostgresError("this statement writes to the warehouse; add --write to allow it")
    }
}

extension PostgresSession {
    /// Runs one statement and keeps its column names and rows; with `counting`, also the rows it
    /// changed, from the command tag (postgres-nio gives that on its future-based API only, and
    /// there the column names only with a row).
    func adHoc(_ sql: String, _ values: [SQLValue], counting: Bool) async throws -> PostgresAdHoc.Result {
        guard counting else {
            var rows: [[SQLValue]] = []
            let columns = try await forEachRow(sql, values) { rows.append($0) }
            return PostgresAdHoc.Result(table: ResultTable(columns: columns, rows: rows), changed: nil)
        }
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { PostgresValues.bind(value, into: &bindings) }
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        do {
            let future: EventLoopFuture<PostgresQueryResult> = connection.query(query, logger: logger)
            let result = try await future.get()
            let rows = try result.rows.map { try $0.map(PostgresValues.value) }
            let columns = result.rows.first.map { $0.map(\.columnName) } ?? []
            return PostgresAdHoc.Result(table: ResultTable(columns: columns, rows: rows), changed: result.metadata.rows)
        } catch {
            throw PostgresError.from(error, database: url, doing: "query failed")
        }
    }
}
