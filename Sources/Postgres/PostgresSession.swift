import Foundation
import Load
import Logging
import PostgresNIO

/// One connection to a PostgreSQL warehouse, through postgres-nio
/// (https://api.vapor.codes/postgresnio/documentation/postgresnio/postgresconnection).
///
/// Owns its connection and closes it in `deinit` when `close()` was not awaited. Values cross the
/// boundary as `SQLValue`s, the same type the SQLite side uses, and are always bound, never pasted
/// into SQL. Every error leaving it is a redacted `PostgresError`.
public final class PostgresSession {
    public let url: PostgresURL
    let connection: PostgresConnection
    let logger: Logger
    private var closed = false

    init(url: PostgresURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    deinit {
        // A deinit cannot wait: the close goes out on the connection's event loop.
        if !closed { connection.close().whenComplete { _ in } }
    }

    /// Connects to `url` (10 s to connect), on postgres-nio's default event loop group, with the
    /// TLS its `sslmode` asks for (PostgresTLS.swift). For `allow`, as libpq does, an error from
    /// the server to the plaintext attempt (a `hostssl`-only pg_hba.conf) is retried over TLS
    /// (https://www.postgresql.org/docs/15/libpq-ssl.html#LIBPQ-SSL-SSLMODE-STATEMENTS).
    public static func connect(_ url: PostgresURL) async throws -> PostgresSession {
        // The wait is for postgres-nio's event loop, never this task's executor: it cannot
        // deadlock, and one connect path serves the async callers and Load's synchronous ones.
        try connectWaiting(url)
    }

    /// `connect` for synchronous callers (Load's `RemoteConnection`): this thread waits for each
    /// attempt's future, which completes on postgres-nio's event loop.
    public static func connectWaiting(_ url: PostgresURL) throws -> PostgresSession {
        // postgres-nio logs at debug and trace only; the CLI keeps them quiet.
        var logger = Logger(label: "warehouse.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        let attempts = try url.tlsAttempts()
        for (index, tls) in attempts.enumerated() {
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
            configuration.options.connectTimeout = .seconds(10)
            // Days cast to text as YYYY-MM-DD and times shown in UTC, whatever the server's
            // postgresql.conf says (https://www.postgresql.org/docs/15/runtime-config-client.html).
            configuration.options.additionalStartupParameters = [("DateStyle", "ISO, YMD"), ("TimeZone", "UTC")]
            do {
                let connection = try PostgresConnection.connect(
                    on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: 1, logger: logger
                ).wait()
                return PostgresSession(url: url, connection: connection, logger: logger)
            } catch let error as PSQLError where error.serverInfo != nil && index + 1 < attempts.count {
                continue
            } catch {
                throw url.tlsFailure(error) ?? PostgresError.from(error, database: url, doing: "cannot connect")
            }
        }
        throw PostgresError("\(url.redacted): cannot connect")
    }

    /// Runs `body` with a new connection to `url`, closed when it returns or throws.
    public static func with<T>(_ url: PostgresURL, _ body: (PostgresSession) async throws -> T) async throws -> T {
        let session = try await connect(url)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// Closes the connection, this thread waiting for it (synchronous owners' `deinit`).
    public func closeWaiting() {
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
    }

    /// Closes the connection and waits for it.
    public func close() async {
        guard !closed else { return }
        closed = true
        try? await connection.close()
    }

    // MARK: Statements

    /// Runs one statement with positional `$n` parameters; returns the rows it changed or read.
    @discardableResult
    public func execute(_ sql: String, _ values: [SQLValue] = []) async throws -> Int {
        var count = 0
        try await forEachRow(sql, values) { _ in count += 1 }
        return count
    }

    /// Runs every statement of `script` in order (DDL with functions and triggers; `;` inside
    /// quotes, comments and dollar-quoted bodies does not split).
    public func executeScript(_ script: String) async throws {
        for statement in SQLScript.statements(script) { try await execute(statement) }
    }

    /// All rows of a query.
    public func rows(_ sql: String, _ values: [SQLValue] = []) async throws -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        try await forEachRow(sql, values) { rows.append($0) }
        return rows
    }

    /// The first column of the first row, or nil.
    public func scalar(_ sql: String, _ values: [SQLValue] = []) async throws -> SQLValue? {
        try await rows(sql, values).first?.first
    }

    /// Streams the rows of a query, decoded; returns the column names (known even with no row).
    @discardableResult
    public func forEachRow(_ sql: String, _ values: [SQLValue] = [], _ body: ([SQLValue]) throws -> Void) async throws -> [String] {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { PostgresValues.bind(value, into: &bindings) }
        do {
            let sequence = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            let names = sequence.columns.map(\.name)
            for try await row in sequence {
                try body(try row.map(PostgresValues.value))
            }
            return names
        } catch let error as PostgresError {
            throw error
        } catch {
            throw PostgresError.from(error, database: url, doing: "query failed")
        }
    }

    /// Runs one statement (`$n` parameters) and waits for all of its rows: the synchronous
    /// callers' path (Query's reader, Load's remote connection, the schema check). The future
    /// completes on postgres-nio's event loop, never the waiting thread, so it cannot deadlock.
    public func runWaiting(_ sql: String, _ values: [SQLValue] = [], doing what: String = "query failed") throws -> PostgresQueryResult {
        try wait(send(sql, values), doing: what)
    }

    /// Sends one statement (`$n` parameters) without waiting: its result's future. The connection
    /// runs statements in the order they were sent, so a caller may send several and then wait
    /// (`PostgresCursor` sends a cursor's DECLARE and first FETCH together).
    func send(_ sql: String, _ values: [SQLValue] = []) -> EventLoopFuture<PostgresQueryResult> {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { PostgresValues.bind(value, into: &bindings) }
        return connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
    }

    /// Waits for a statement `send` sent; a failure as a redacted `PostgresError`.
    func wait(_ future: EventLoopFuture<PostgresQueryResult>, doing what: String = "query failed") throws -> PostgresQueryResult {
        do {
            return try future.wait()
        } catch {
            throw PostgresError.from(error, database: url, doing: what)
        }
    }

    /// `runWaiting`'s first column of the first row, or nil.
    func scalarWaiting(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue? {
        try runWaiting(sql, values).rows.first.flatMap { row in try row.first.map(PostgresValues.value) }
    }

    // MARK: Bulk

    /// Loads `rows` into `table` through `COPY … FROM STDIN` in text format, sent in chunks of about
    /// 1 MiB (https://www.postgresql.org/docs/15/sql-copy.html). `table` and `columns` come from
    /// the schema, never from input; the values are data in the COPY stream, escaped as COPY's
    /// text format requires, never SQL.
    public func copy(into table: String, columns: [String], rows: some Sequence<[SQLValue]>) async throws {
        do {
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(1 << 20)
                for row in rows {
                    PostgresValues.appendCopyLine(row, to: &buffer)
                    if buffer.readableBytes >= 1 << 20 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        } catch {
            throw PostgresError.from(error, database: url, doing: "copy into \(table) failed")
        }
    }
}
