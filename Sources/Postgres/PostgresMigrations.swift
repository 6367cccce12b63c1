import Foundation
import Load
import WarehouseCore

/// PostgreSQL's schema versions past the port of SQLite's: what each changes, and the runner that
/// carries an older warehouse forward when it is next opened for writing (`createOrCheckWarehouse`:
/// `init`, `etl`, `import`, `copy`, `sql --write`…), inside that open's transaction and under its
/// advisory lock, as SQLite's `Migrations.migrate` does inside its write lock. A migration that
/// cannot carry a value over refuses in one line, and the transaction's rollback leaves the
/// warehouse as it was.
///
/// Version 7 is the port of SQLite's version 7, every time and exact decimal kept as SQLite's
/// text. Version 8 (PostgreSQL only: the tables, columns, keys and views stay SQLite's version 7)
/// gives them PostgreSQL's types, as issue 16 asks: times `timestamptz`, days `date`, quantities,
/// prices and credits `numeric`. The values the warehouse writes are canonical (`UTCTime.iso8601`,
/// `UTCTime.day`, `ExactDecimal.format`), and `PostgresValues.value` reads the typed columns back
/// as that same text, so invoices, reports, exports and `warehouse copy` stay byte-identical.
/// `usage_facts`' times stay integer seconds: the compact facts' keys (issue 15), eight bytes as a
/// `timestamptz` would be, and compared as integers by the pricing SQL both back ends share.
extension PostgresSchema {
    /// A column version 8 types: its table, name, type, and default (dropped and set again around
    /// the change, since a text default does not cast itself to `numeric`).
    struct TypedColumn: Sendable {
        let table: String, column: String, type: String, defaultValue: String?

        init(_ table: String, _ column: String, _ type: String, default defaultValue: String? = nil) {
            (self.table, self.column, self.type, self.defaultValue) = (table, column, type, defaultValue)
        }

        /// What every stored value must match to come back as the same text once typed: what
        /// `UTCTime.iso8601`, `UTCTime.day` and `ExactDecimal.format` write (a decimal may keep
        /// trailing zeros, which `numeric` keeps too; "-0" may not, since `numeric` drops its sign).
        var canonical: (pattern: String, name: String) {
            switch type {
            case "timestamptz": return ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", "a time as YYYY-MM-DDTHH:MM:SSZ")
            case "date": return ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a day as YYYY-MM-DD")
            default: return ("^(0|-?[1-9][0-9]*|-?0\\.[0-9]*[1-9][0-9]*|-?[1-9][0-9]*\\.[0-9]+|0\\.0+)$", "a decimal without exponent")
            }
        }
    }

    /// The columns version 8 gives a type, grouped by table in `schema.sql`'s order.
    /// `PostgresMigrationTests` checks a migrated warehouse's catalog against a fresh one's.
    static let typedColumns: [TypedColumn] = [
        .init("schema_version", "applied_at", "timestamptz"),
        .init("etl_runs", "started_at", "timestamptz"), .init("etl_runs", "finished_at", "timestamptz"),
        .init("raw_pages", "fetched_at", "timestamptz"),
        .init("checkpoints", "updated_at", "timestamptz"),
        .init("users", "created_at", "timestamptz"),
        .init("charge_terms", "unit_price", "numeric"), .init("charge_terms", "payg_price", "numeric"),
        .init("charge_terms", "exchange_rate", "numeric"),
        .init("rates", "effective_date", "timestamptz"), .init("rates", "tier_min", "numeric"),
        .init("rates", "unit_price", "numeric"), .init("rates", "included_quantity", "numeric", default: "'0'"),
        .init("offer_terms", "effective_date", "timestamptz"), .init("offer_terms", "discount", "numeric"),
        .init("storage_snapshots", "snapshot_date", "date"),
        .init("credit_budgets", "snapshot_date", "date"), .init("credit_budgets", "assigned_credits", "numeric"),
        .init("credit_budgets", "available_credits", "numeric"),
        .init("org_credits", "snapshot_date", "date"), .init("org_credits", "available_credits", "numeric"),
        .init("charge_scopes", "total_quantity", "numeric"), .init("charge_scopes", "discount", "numeric", default: "'0'"),
        .init("charge_scopes", "priced_at", "timestamptz"),
        .init("invoice_rollup", "quantity", "numeric"),
        .init("pending_reprice", "queued_at", "timestamptz"),
        .init("alert_deliveries", "sent_at", "timestamptz"),
        .init("credit_allocations", "assigned_before", "numeric"), .init("credit_allocations", "available_before", "numeric"),
        .init("credit_allocations", "amount", "numeric"), .init("credit_allocations", "assigned_after", "numeric"),
        .init("credit_allocations", "requested_at", "timestamptz"),
        .init("reported_windows", "reported_start", "timestamptz"), .init("reported_windows", "reported_end", "timestamptz"),
        .init("reported_windows", "loaded_at", "timestamptz"),
        .init("usage_facts", "quantity", "numeric"), .init("usage_facts", "cost", "numeric"),
    ]

    /// The `CREATE VIEW` statements of `schema.sql`, in its order (each view after those it reads).
    static var views: [(name: String, sql: String)] {
        SQLScript.statements(sql).compactMap { statement in
            let code = statement.split(separator: "\n", omittingEmptySubsequences: false)
                .drop { $0.hasPrefix("--") || $0.allSatisfy(\.isWhitespace) }.joined(separator: "\n")
            guard code.hasPrefix("CREATE VIEW ") else { return nil }
            return (String(code.dropFirst("CREATE VIEW ".count).prefix { $0 != " " }), code)
        }
    }
}

extension PostgresSession {
    /// Carries a warehouse of `version` forward to this build's, one version at a time, in the
    /// caller's transaction. Returns the versions applied.
    @discardableResult
    func migrate(from version: Int, now: UTCTime) throws -> [Int] {
        guard version >= 7 else {
            throw PostgresError("\(url.redacted): schema version \(version) predates PostgreSQL warehouses (7); refusing to touch it")
        }
        var applied: [Int] = []
        if version < 8 {
            try migrateToTypedColumns()
            applied.append(8)
        }
        for step in applied {
            _ = try runWaiting("INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", [.integer(Int64(step)), .text(now.iso8601)])
        }
        return applied
    }

    /// Version 8: the views that read the columns are dropped (PostgreSQL will not change the type
    /// of a column a view reads: https://www.postgresql.org/docs/15/sql-altertable.html), each
    /// table's columns changed in one `ALTER TABLE` (one rewrite of the table), and the views made
    /// again from this build's `schema.sql` (their triggers, dropped with them, are put back by
    /// `ensureViewTriggers`, which `createOrCheckWarehouse` runs after every migration).
    func migrateToTypedColumns() throws {
        let columns = PostgresSchema.typedColumns
        for column in columns { try requireCanonical(column) }
        for view in PostgresSchema.views.reversed() { _ = try runWaiting("DROP VIEW IF EXISTS \(view.name) CASCADE") }
        var tables: [String] = []
        for column in columns where !tables.contains(column.table) { tables.append(column.table) }
        for table in tables {
            let changes = columns.filter { $0.table == table }.flatMap { column -> [String] in
                let name = SQLName.quoted(column.column)
                let type = "ALTER COLUMN \(name) TYPE \(column.type) USING \(name)::\(column.type)"
                guard let value = column.defaultValue else { return [type] }
                return ["ALTER COLUMN \(name) DROP DEFAULT", type, "ALTER COLUMN \(name) SET DEFAULT \(value)"]
            }
            _ = try runWaiting(
                "ALTER TABLE \(SQLName.quoted(table)) " + changes.joined(separator: ", "),
                doing: "cannot migrate to schema version 8: \(table)")
        }
        for view in PostgresSchema.views { _ = try runWaiting(view.sql) }
    }

    /// Refuses, in one line naming the table, column and value, a value that would not come back
    /// as the same text once typed (a hand edit, say): nothing is changed, and the line says how
    /// to go on.
    func requireCanonical(_ column: PostgresSchema.TypedColumn) throws {
        let name = SQLName.quoted(column.column), canonical = column.canonical
        let found = try scalarWaiting(
            "SELECT CAST(\(name) AS text) FROM \(SQLName.quoted(column.table)) WHERE \(name) IS NOT NULL AND CAST(\(name) AS text) !~ $1 LIMIT 1",
            [.text(canonical.pattern)])
        guard let value = found?.string else { return }
        let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
        throw PostgresError(
            "\(url.redacted): cannot migrate to schema version 8: \(column.table).\(column.column) holds \(JSONString.quoted(shown)), "
                + "not \(canonical.name); correct it with psql and run again (nothing was changed)")
    }
}
