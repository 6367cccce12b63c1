import Foundation

/// The INSTEAD OF triggers that make `usage` and `charges` writable on PostgreSQL, as SQLite's are
/// (`Migrations.compatibilityTriggers`): the last section of `schema.sql`, from its header to the
/// end of the file.
///
/// Every open for writing (`createOrCheckWarehouse`: `init`, `etl`, `import`, `copy`,
/// `sql --write`…) checks that the triggers are there and that their functions' bodies are this
/// build's, and when not runs the section again, in the init transaction under its advisory
/// lock: after a migration (which drops the views, and their triggers with them, to retype the
/// columns they read), for a trigger dropped or a function replaced by hand, and for a later
/// build's bodies. (It came first for version-7 warehouses made before the triggers, which the
/// migration to version 8 now carries forward anyway.) The section
/// is `CREATE OR REPLACE` throughout
/// (https://www.postgresql.org/docs/15/sql-createfunction.html,
/// https://www.postgresql.org/docs/15/sql-createtrigger.html), so running it on a warehouse that
/// has some of it changes only what differs. Checking first keeps a nightly run's open from
/// rewriting the catalog (and invalidating every session's cached plans) when nothing changed.
extension PostgresSchema {
    /// The first line of the section in `schema.sql`.
    static let viewTriggersHeader = "-- Writes through `usage` and `charges` "

    /// The section's DDL: functions, then the triggers on the two views.
    public static var viewTriggers: String {
        guard let start = sql.range(of: "\n" + viewTriggersHeader) else {
            preconditionFailure("Sources/Postgres/schema.sql lost its section \(viewTriggersHeader)")
        }
        return String(sql[sql.index(after: start.lowerBound)...])
    }

    /// Each function the section defines, by name, with its body as PostgreSQL keeps it in
    /// `pg_proc.prosrc` (the text between the `$$`s, verbatim).
    static var viewTriggerFunctions: [String: String] {
        var functions: [String: String] = [:]
        for statement in SQLScript.statements(viewTriggers) where statement.hasPrefix("CREATE OR REPLACE FUNCTION ") {
            let rest = statement.dropFirst("CREATE OR REPLACE FUNCTION ".count)
            guard let open = rest.firstIndex(of: "("), let first = rest.range(of: "$$"),
                  let last = rest.range(of: "$$", options: .backwards), first.upperBound <= last.lowerBound
            else { preconditionFailure("a function of schema.sql's view triggers is not `name(…) … AS $$ body $$`") }
            functions[String(rest[..<open])] = String(rest[first.upperBound..<last.lowerBound])
        }
        return functions
    }

    /// The triggers the section creates: `usage_insert` … `charges_delete`.
    static var viewTriggerNames: Set<String> {
        Set(SQLScript.statements(viewTriggers).compactMap { statement in
            guard statement.hasPrefix("CREATE OR REPLACE TRIGGER ") else { return nil }
            return statement.dropFirst("CREATE OR REPLACE TRIGGER ".count).split(separator: " ").first.map(String.init)
        })
    }
}

extension PostgresSession {
    /// Whether this warehouse has every view trigger, each function with this build's body.
    func viewTriggersAreCurrent() throws -> Bool {
        let triggers = try runWaiting("""
            SELECT t.tgname::text FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN ('usage', 'charges') AND NOT t.tgisinternal
            """).rows.compactMap { try $0.map(PostgresValues.value).first?.string }
        guard PostgresSchema.viewTriggerNames.isSubset(of: Set(triggers)) else { return false }
        var bodies: [String: String] = [:]
        for row in try runWaiting("""
            SELECT p.proname::text, p.prosrc FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'warehouse\\_%'
            """).rows {
            let values = try row.map(PostgresValues.value)
            if let name = values[0].string, let body = values[1].string { bodies[name] = body }
        }
        return PostgresSchema.viewTriggerFunctions.allSatisfy { bodies[$0.key] == $0.value }
    }

    /// Creates or replaces the view triggers when they are missing or another build's; inside the
    /// caller's init transaction, under its advisory lock. Returns whether it ran the DDL.
    @discardableResult
    func ensureViewTriggers() throws -> Bool {
        guard try !viewTriggersAreCurrent() else { return false }
        for statement in SQLScript.statements(PostgresSchema.viewTriggers) { _ = try runWaiting(statement) }
        return true
    }
}
