import Foundation
import Load
@testable import Postgres
import Query
import TestSupport
import Testing

/// PostgreSQL's schema version 8 (typed times, days and decimals) and the migration that carries
/// a version-7 warehouse to it, on the demo warehouse, against a cluster of the suite's own.
@Suite(.postgresCluster, .serialized)
struct PostgresMigrationTests {
    /// What version 7 wrote for each type: the text `PostgresValues` reads back.
    static func asVersion7Text(_ column: PostgresSchema.TypedColumn) -> String {
        let name = SQLName.quoted(column.column)
        switch column.type {
        case "timestamptz": return "to_char(\(name) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        case "date": return "to_char(\(name), 'YYYY-MM-DD')"
        default: return "\(name)::text"
        }
    }

    /// Makes a version-8 warehouse what version 7 made (`git show ef36e37:Sources/Postgres/schema.sql`:
    /// the same tables, keys and views, these columns text): the views dropped, each typed column
    /// back to its text, the views and their triggers made again, version 8 unrecorded.
    static func downgrade(_ session: PostgresSession) async throws {
        try await session.execute("BEGIN")
        for view in PostgresSchema.views.reversed() { try await session.execute("DROP VIEW \(view.name) CASCADE") }
        // A table's columns in one statement: a CHECK comparing two of them holds between each change.
        for table in Set(PostgresSchema.typedColumns.map(\.table)) {
            let changes = PostgresSchema.typedColumns.filter { $0.table == table }.flatMap { column in
                let name = SQLName.quoted(column.column)
                return ["ALTER COLUMN \(name) DROP DEFAULT", "ALTER COLUMN \(name) TYPE text USING \(asVersion7Text(column))"]
                    + (column.defaultValue.map { ["ALTER COLUMN \(name) SET DEFAULT \($0)"] } ?? [])
            }
            try await session.execute("ALTER TABLE \(SQLName.quoted(table)) " + changes.joined(separator: ", "))
        }
        for view in PostgresSchema.views { try await session.execute(view.sql) }
        try await session.executeScript(PostgresSchema.viewTriggers)
        try await session.execute("UPDATE schema_version SET version = 7 WHERE version = 8")
        try await session.execute("COMMIT")
    }

    /// The type of each column version 8 types, as the catalog has it.
    static func types(_ session: PostgresSession) async throws -> [String] {
        try await PostgresSchema.typedColumns.asyncMap { column in
            let type = try await session.rows(
                "SELECT udt_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2",
                [.text(column.table), .text(column.column)])
            return "\(column.table).\(column.column) \(type.first?.first?.string ?? "missing")"
        }
    }

    /// Every invoice of the warehouse at `db` (each period, grouping, JSON and CSV), in one text.
    static func invoices(_ db: String, periods: [String], environment: [String: String]) throws -> String {
        var all = ""
        for period in periods {
            for group in InvoiceGrouping.allCases {
                for format in ["json", "csv"] {
                    let run = try CLI.run(["invoice", "--period", period, "--group", group.rawValue, "--format", format, "--db", db], environment: environment)
                    #expect(run.status == 0, "\(run.stderr)")
                    all += "\(period) \(group) \(format)\n" + run.stdout
                }
            }
        }
        return all
    }

    /// Every view of `schema.sql` is one the migration drops and makes again.
    @Test func theMigrationKnowsEveryView() {
        let created = PostgresSchema.sql.components(separatedBy: "\nCREATE VIEW ").count - 1
        #expect(PostgresSchema.views.count == created && created > 0)
        #expect(Set(PostgresSchema.views.map(\.name)).count == created)
    }

    @Test func aVersion7WarehouseMigratesWithEveryRowAndInvoiceUnchanged() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let demo = try await PostgresCopyTests.demo(dir)
        let url = try await cluster.database("migrate"), fresh = try await cluster.database("fresh")
        #expect(try CLI.run(["copy", "--from", demo, "--to", url], environment: cluster.environment).status == 0)
        #expect(try CLI.run(["init", "--db", fresh], environment: cluster.environment).status == 0)
        let periods = try Database.openWarehouseReadOnly(path: demo).rows("SELECT DISTINCT period FROM charge_facts ORDER BY 1")
            .compactMap { $0.first?.string }
        let before = try Self.invoices(url, periods: periods, environment: cluster.environment)
        #expect(before == (try Self.invoices(demo, periods: periods, environment: [:])), "version 8 reads as the file does")

        try await cluster.session("migrate") { try await Self.downgrade($0) }
        let old = try await cluster.session("migrate") { try await Self.types($0) }
        #expect(old.allSatisfy { $0.hasSuffix(" text") }, "\(old)")
        let read = try CLI.run(["invoice", "--period", periods[0], "--db", url], environment: cluster.environment)
        #expect(read.status != 0 && read.stderr.contains("schema version 7, expected 8; run `warehouse init` to migrate"), "\(read.stderr)")

        let migrated = try CLI.run(["init", "--db", url], environment: cluster.environment)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout == "\(url): schema version 8\n", "\(migrated.stdout)")
        let (shape, freshShape) = try await (
            cluster.session("migrate") { try await SchemaShape.postgres($0) }, cluster.session("fresh") { try await SchemaShape.postgres($0) })
        #expect(shape.tables == freshShape.tables, "the migrated catalog is a fresh warehouse's")
        #expect(shape.views == freshShape.views)
        #expect(try await cluster.session("migrate") { try $0.viewTriggersAreCurrent() })
        let now = try await cluster.session("migrate") { try await Self.types($0) }
        #expect(now == PostgresSchema.typedColumns.map { "\($0.table).\($0.column) \($0.type)" })
        #expect(try Self.invoices(url, periods: periods, environment: cluster.environment) == before)

        // Every row of every table came through: copied back into a file, it is the demo's.
        let back = dir.path("back.db")
        #expect(try CLI.run(["copy", "--from", url, "--to", back], environment: cluster.environment).status == 0)
        #expect(try PostgresCopyTests.content(back) == PostgresCopyTests.content(demo))
    }

    @Test func aValueThatWouldNotComeBackTheSameIsRefusedAndNothingChanges() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let demo = try await PostgresCopyTests.demo(dir)
        let url = try await cluster.database("refused")
        #expect(try CLI.run(["copy", "--from", demo, "--to", url], environment: cluster.environment).status == 0)
        try await cluster.session("refused") { session in
            try await Self.downgrade(session)
            try await session.execute("UPDATE usage_facts SET quantity = '1e3' WHERE usage_id = (SELECT min(usage_id) FROM usage_facts)")
        }
        let refused = try CLI.run(["init", "--db", url], environment: cluster.environment)
        #expect(refused.status == 1)
        let message = "\(url): cannot migrate to schema version 8: usage_facts.quantity holds \"1e3\", "
            + "not a decimal without exponent; correct it with psql and run again (nothing was changed)"
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains(message), "\(refused.stderr)")
        let (version, types) = try await cluster.session("refused") { session in
            (try session.schemaVersion(), try await Self.types(session))
        }
        #expect(version == 7)
        #expect(types.allSatisfy { $0.hasSuffix(" text") }, "\(types)")
    }

    /// The pattern a decimal must match to migrate: what `ExactDecimal.format` writes, and the
    /// trailing zeros `numeric` keeps; never an exponent, a plus, a leading zero or a "-0".
    @Test(arguments: [
        ("0", true), ("12", true), ("-12", true), ("0.5", true), ("-0.05", true), ("7.152123", true), ("2.50", true), ("0.00", true),
        ("1e3", false), ("+1", false), ("01", false), ("-0", false), ("-0.0", false), (".5", false), ("5.", false), ("", false), ("1,5", false),
    ])
    func decimalsMigrateOnlyWhenNumericGivesTheSameText(text: String, migrates: Bool) async throws {
        let cluster = try #require(PostgresCluster.current)
        let column = PostgresSchema.TypedColumn("t", "c", "numeric")
        let (matches, same) = try await cluster.session("postgres") { session in
            let matches = try await session.rows("SELECT $1::text ~ $2", [.text(text), .text(column.canonical.pattern)])
            guard matches == [[.integer(1)]] else { return (false, false) }
            return (true, try await session.rows("SELECT $1::numeric::text = $1::text", [.text(text)]) == [[.integer(1)]])
        }
        #expect(matches == migrates)
        if matches { #expect(same, "numeric reads \(text) back as other text") }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
