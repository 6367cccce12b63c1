import Foundation
import Load
import Postgres
import TestSupport
import Testing

/// Writes through the `usage` and `charges` views on PostgreSQL (the INSTEAD OF triggers at the
/// end of Sources/Postgres/schema.sql) against SQLite's (`Migrations.compatibilityTriggers`),
/// which are the reference: the same `warehouse sql --write` statements into a file and into a
/// database that hold the same imported samples; after each, the two views (as csv), the
/// dimension rows and `charge_totals` must be the same on both, and the totals a recount.
@Suite(.postgresCluster, .serialized)
struct PostgresViewWriteTests {
    struct Step: Sendable, CustomStringConvertible {
        var sql: String
        /// Rows each back end says the statement changed: SQLite counts none that an INSTEAD OF
        /// trigger wrote (https://sqlite.org/c3ref/changes.html), PostgreSQL each row its trigger
        /// returned (https://www.postgresql.org/docs/15/plpgsql-trigger.html).
        var sqlite = 0
        var postgres = 1
        /// Fails on both with this message, changing nothing.
        var refused: String?
        var description: String { sql }
    }

    static let keyRefusal =
        "usage: a row's key (source, account, resource, meter, times, reported window) cannot be updated; delete the row and insert it"

    static let steps: [Step] = [
        // New ids in mixed case (a non-ASCII letter stays as it is: SQLite's lower() folds ASCII
        // only), the usage_id left to the warehouse.
        Step(sql: """
            INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, customer_id,
                               subscription_id, resource_group, location, tags)
            VALUES ('hand', 'Sub-MiXeD-1', '/Subscriptions/Sub-MiXeD-1/resourceGroups/RG-Hand/vm-1', 'Meter-Äbc-1',
                    '2026-10-05T00:00:00Z', '2026-10-05T23:59:59Z', '1.5', 'Hours', 'Cust-X', 'Sub-MiXeD-1', 'RG-Hand', 'westeurope',
                    '{"team":"Blue"}')
            """),
        // The same account spelled otherwise, a usage_id given, times with an offset and a
        // fraction (read as UTC seconds), a reported window, no tags.
        Step(sql: """
            INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, cost,
                               cost_currency, reported_start, reported_end)
            VALUES (900000, 'hand', 'SUB-mixed-1', '', 'METER-äbc-1', '2026-10-05T02:00:00+02:00', '2026-10-06 01:59:59.999+02:00',
                    '2', 'Hours', '0.40', 'USD', '2026-10-06T00:00:00Z', '2026-10-06T23:59:59Z')
            """),
        // After a usage_id given, the next one left to the warehouse is one past it.
        Step(sql: """
            INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity)
            VALUES ('hand', 'Sub-Mixed-2', 'R', 'M', '2026-10-07', '2026-10-07 23:59', '0')
            """),
        Step(sql: "UPDATE usage SET quantity = '3', cost = '0.75', cost_currency = 'USD' WHERE usage_id = 900000"),
        // The account in other letters is the same key; new tags are a new usage_details row.
        Step(sql: #"UPDATE usage SET account_id = 'sub-MIXED-1', tags = '{"team":"Red"}' WHERE usage_id = 900000"#),
        Step(sql: "UPDATE usage SET account_id = 'Sub-Other', quantity = '9' WHERE usage_id = 900000", refused: keyRefusal),
        // The same instant written otherwise is another key: SQLite compares the text.
        Step(sql: "UPDATE usage SET usage_start = '2026-10-05T00:00:00.000Z' WHERE usage_id = 900000", refused: keyRefusal),
        // One refused row fails the whole statement.
        Step(sql: "UPDATE usage SET reported_end = '', quantity = '8' WHERE source = 'hand'", refused: keyRefusal),
        Step(
            sql: "UPDATE usage SET location = 'Fixed by hand' WHERE usage_id IN (SELECT usage_id FROM usage WHERE source <> 'hand' ORDER BY usage_id LIMIT 3)",
            postgres: 3),
        Step(sql: "INSERT INTO cost_centers (cost_center_key, display_name) VALUES ('hand-repairs', 'Hand Repairs')", sqlite: 1),
        Step(sql: """
            INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency, cost_center)
            VALUES (900000, '2026-10', 'hand-repairs', 1250000, 'USD', 'HAND Repairs')
            """),
        Step(sql: "UPDATE charges SET amount_micros = 2500000, cost_center = 'Hand Repairs' WHERE usage_id = 900000"),
        Step(sql: "UPDATE charges SET period = '2026-11', amount_micros = NULL, currency = NULL WHERE usage_id = 900000"),
        // Moved to a usage row of another account: on PostgreSQL, charge_facts' account_key follows.
        Step(sql: "UPDATE charges SET usage_id = 900001 WHERE usage_id = 900000"),
        Step(
            sql: """
                UPDATE charges SET amount_micros = amount_micros + 1
                WHERE usage_id IN (SELECT usage_id FROM charges WHERE amount_micros IS NOT NULL ORDER BY usage_id LIMIT 2)
                """,
            postgres: 2),
        Step(sql: "DELETE FROM charges WHERE usage_id = 900001"),
        Step(sql: """
            INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency, cost_center)
            VALUES (900000, '2026-10', 'hand-repairs', 5, 'USD', NULL)
            """),
        // Deleting usage deletes its charges.
        Step(sql: "DELETE FROM usage WHERE source = 'hand'", postgres: 3),
        Step(sql: "DELETE FROM usage WHERE usage_id = (SELECT min(c.usage_id) FROM charges c WHERE c.amount_micros IS NOT NULL)"),
    ]

    /// The dimension rows the triggers add, without their surrogate keys (numbered by each back
    /// end's own sequence), compared as sorted lines.
    static let dimensions = [
        "SELECT source, account_id, spelling FROM account_keys",
        "SELECT source, resource_id, spelling FROM resource_keys",
        "SELECT source, meter_id, spelling FROM meter_keys",
        "SELECT unit, customer_id, subscription_id, resource_group, user_name, location, tags FROM usage_details",
        "SELECT cost_center_key, spelling FROM cost_center_names",
    ]

    static let totals = "SELECT period, records, priced, amount_micros FROM charge_totals WHERE records > 0 ORDER BY period"
    static let recount = """
        SELECT period, count(*), count(amount_micros), CAST(COALESCE(sum(amount_micros), 0) AS bigint) FROM charge_facts
        GROUP BY period ORDER BY period
        """

    /// What a version-7 warehouse made before the view triggers lacks.
    static let beforeTheTriggers = "DROP FUNCTION warehouse_usage_write, warehouse_charges_write, warehouse_unixepoch CASCADE"
    static let triggerCount = """
        SELECT count(*) FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
        WHERE c.relname IN ('usage', 'charges') AND NOT t.tgisinternal
        """

    /// `upgraded`: the database's triggers dropped after the import, as in a warehouse made
    /// before them; the first `sql --write` puts them back.
    @Test(arguments: [false, true])
    func writesThroughTheViewsAgree(upgraded: Bool) async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let file = dir.path("views.db")
        let name = upgraded ? "views_upgraded" : "views_fresh"
        let url = try await cluster.database(name)
        for (fixture, arguments) in PostgresWriteTests.samples {
            let path = dir.path(fixture)
            try Fixture.data(fixture).write(to: URL(fileURLWithPath: path))
            let (lite, pg) = try PostgresReadTests.both(["import", path] + arguments, file: file, url: url, cluster: cluster)
            #expect(lite.status == 0 && pg.stdout == lite.stdout, "\(fixture) \(pg.stderr)")
        }
        if upgraded {
            try await cluster.session(name) { _ = try await $0.execute(Self.beforeTheTriggers) }
            #expect(try await cluster.session(name) { try await $0.scalar(Self.triggerCount) } == .integer(0))
        }
        try await Self.agree(file: file, url: url, database: name, cluster: cluster, after: "the import")
        for step in Self.steps {
            let before = try Self.views(url, cluster: cluster)
            let lite = try CLI.run(["sql", "--write", step.sql, "--db", file])
            let pg = try CLI.run(["sql", "--write", step.sql, "--db", url], environment: cluster.environment)
            if let refused = step.refused {
                #expect(lite.status == 1 && lite.stderr.contains(refused), "\(step): \(lite.stderr)")
                #expect(pg.status == 1 && pg.stderr.contains(refused), "\(step): \(pg.stderr)")
                #expect(try Self.views(url, cluster: cluster) == before, "\(step) changed nothing")
            } else {
                #expect(lite.status == 0 && lite.stderr == "\(step.sqlite) row(s) changed\n", "\(step): \(lite.stderr)")
                #expect(pg.status == 0 && pg.stderr == "\(step.postgres) row(s) changed\n", "\(step): \(pg.stderr)")
            }
            try await Self.agree(file: file, url: url, database: name, cluster: cluster, after: step.sql)
        }
        #expect(try await cluster.session(name) { try await $0.scalar(Self.triggerCount) } == .integer(6))
    }

    /// An open for writing of a warehouse whose triggers are this build's leaves the catalog
    /// alone (the functions' row versions stay); one whose function is another build's, or whose
    /// trigger is missing, gets this build's back.
    @Test func anOpenForWritingPutsBackWhatDiffersAndOnlyThat() async throws {
        let cluster = try #require(PostgresCluster.current)
        let url = try await cluster.database("views_open")
        #expect(try CLI.run(["init", "--db", url], environment: cluster.environment).status == 0)
        let versions = "SELECT string_agg(proname || ':' || xmin::text, ',' ORDER BY proname) FROM pg_proc WHERE proname LIKE 'warehouse\\_%'"
        let before = try await cluster.session("views_open") { try await $0.scalar(versions) }
        #expect(try CLI.run(["init", "--db", url], environment: cluster.environment).status == 0)
        #expect(try await cluster.session("views_open") { try await $0.scalar(versions) } == before)
        try await cluster.session("views_open") { session in
            _ = try await session.execute(
                "CREATE OR REPLACE FUNCTION warehouse_charges_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
            _ = try await session.execute("DROP TRIGGER usage_delete ON usage")
        }
        #expect(try await cluster.session("views_open") { try await $0.scalar(Self.triggerCount) } == .integer(5))
        let write = try CLI.run(["sql", "--write", "DELETE FROM usage", "--db", url], environment: cluster.environment)
        #expect(write.status == 0, "\(write.stderr)")
        #expect(try await cluster.session("views_open") { try await $0.scalar(Self.triggerCount) } == .integer(6))
        let body = try await cluster.session("views_open") { try await $0.scalar("SELECT prosrc FROM pg_proc WHERE proname = 'warehouse_charges_write'") }
        #expect(body?.string?.contains("charges: no usage row has usage_id") == true)
    }

    /// `SELECT * FROM usage` and `charges` by usage_id, as `warehouse sql --format csv` prints them.
    static func views(_ db: String, cluster: PostgresCluster? = nil) throws -> [String] {
        try ["SELECT * FROM usage ORDER BY usage_id", "SELECT * FROM charges ORDER BY usage_id"].map { query in
            let read = try CLI.run(["sql", query, "--format", "csv", "--db", db], environment: cluster?.environment ?? [:])
            #expect(read.status == 0, "\(query): \(read.stderr)")
            return read.stdout
        }
    }

    /// The file and the database agree on both views, the dimension rows and charge_totals, and
    /// on each the totals are a recount of charge_facts.
    static func agree(file: String, url: String, database: String, cluster: PostgresCluster, after step: String) async throws {
        let lite = try views(file), pg = try views(url, cluster: cluster)
        #expect(pg[0] == lite[0], "usage after \(step)")
        #expect(pg[1] == lite[1], "charges after \(step)")
        let sqlite = try Database.openWarehouseReadOnly(path: file)
        func lines(_ rows: [[SQLValue]]) -> [String] { rows.map { $0.map(\.description).joined(separator: "|") } }
        let (pgDimensions, pgTotals, pgRecount) = try await cluster.session(database) { session in
            var found: [[String]] = []
            for query in dimensions { found.append(lines(try await session.rows(query)).sorted()) }
            return (found, lines(try await session.rows(totals)), lines(try await session.rows(recount)))
        }
        for (query, theirs) in zip(dimensions, pgDimensions) {
            #expect(theirs == lines(try sqlite.rows(query)).sorted(), "\(query) after \(step)")
        }
        let liteTotals = lines(try sqlite.rows(totals))
        #expect(liteTotals == lines(try sqlite.rows(recount)) && !liteTotals.isEmpty, "SQLite's charge_totals after \(step)")
        #expect(pgTotals == pgRecount, "PostgreSQL's charge_totals after \(step)")
        #expect(pgTotals == liteTotals, "charge_totals after \(step)")
    }
}

/// `warehouse_unixepoch` (schema.sql) reads text as SQLite's `unixepoch()` does, NULL where it
/// gives NULL: the forms its date-and-time functions take (https://sqlite.org/lang_datefunc.html),
/// what rolls over (day 31 of any month, hour 24), the edges of its range, and what it refuses.
@Suite(.postgresCluster, .serialized)
struct PostgresUnixepochTests {
    static let times = [
        "2026-10-01T00:00:00Z", "2026-10-01T23:59:59Z", "2026-10-01", "2026-10-01 ", "2026-10-01T", "2026-10-01 12:30",
        "2026-10-01T12:30:45.999Z", "2026-10-01T12:30:45.9995", "2026-10-01T12:30:45+02:00", "2026-10-01T12:30:45 -05:30",
        "2026-10-01T12:30:45z", "2026-10-01TT  T12:30", "2026-10-01\t12:30", "2026-10-01T12:30:45Z   ", "2026-10-01T24:00:00Z",
        "2026-02-31T00:00:00Z", "2024-02-29", "1969-12-31T23:59:59Z", "0000-01-01", "-0001-03-01", "-4713-11-24T12:00:00Z",
        "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "12:30", "12:30:15z", "2460000.5", " 2440587.5 ", "0", "1e3", "1.e5",
        ".5", "5373484.4", "1e-400",
        // NULL on both:
        "", "2026-10-01TZ", "2026-10-01T12:30:45.", "2026-10-01T12:30:45+0200", "2026-10-01T12:30:45+15:00",
        "2026-10-01T25:00:00Z", "2026-10-01T12:60:00Z", "2026-10-01T12:00:60Z", "2026-13-01", "2026-10-00", "2026-10-32",
        "-4713-01-01", " 2026-10-01", "2026-10-01Z", "26-10-01", "2026-10-01T1:30", "-1", ".", "5373484.5", "1e400", "abc", "1e",
    ]

    @Test(arguments: times)
    func warehouseUnixepochReadsTextAsSQLiteDoes(text: String) async throws {
        let cluster = try #require(PostgresCluster.current)
        let exists = try await cluster.session("postgres") { try await $0.scalar("SELECT count(*) FROM pg_database WHERE datname = 'times'") }
        if exists == .integer(0) {
            let made = try CLI.run(["init", "--db", try await cluster.database("times")], environment: cluster.environment)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let dir = try TemporaryDirectory()
        let expected = try Database(path: dir.path("t.db")).scalar("SELECT unixepoch(?)", text)
        let got = try await cluster.session("times") { try await $0.scalar("SELECT warehouse_unixepoch($1)", [.text(text)]) }
        #expect(got == expected, "\(text.debugDescription)")
    }
}
