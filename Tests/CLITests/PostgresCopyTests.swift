import Foundation
import Load
import Postgres
import Query
import TestSupport
import Testing

/// `warehouse copy` and `warehouse sql` on PostgreSQL, on the demo warehouse, against a cluster
/// of the suite's own.
@Suite(.postgresCluster, .serialized)
struct PostgresCopyTests {
    static let now = "2026-11-22T03:00:00Z"

    /// The demo warehouse, as `warehouse demo` makes it.
    static func demo(_ dir: TemporaryDirectory) async throws -> String {
        let db = dir.path("demo.db")
        let result = try await CLI.runAsync(["demo", "--db", db, "--now", now], environment: ["no_proxy": "127.0.0.1"])
        #expect(result.status == 0, "\(result.stderr)")
        return db
    }

    /// Every row of every table but schema_version, as text, sorted: the warehouse's content.
    static func content(_ path: String) throws -> [String] {
        let db = try Database.openWarehouseReadOnly(path: path)
        let tables = try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_version' ORDER BY name")
        return try tables.compactMap { $0.first?.string }.flatMap { table in
            try db.prepare("SELECT * FROM \(table)").map { "\(table): " + $0.values.map { "\($0)" }.joined(separator: "|") }.sorted()
        }
    }

    @Test func theDemoRoundTripsThroughPostgreSQLWithIdenticalInvoices() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let original = try await Self.demo(dir)
        let url = try await cluster.database("roundtrip")
        let there = try CLI.run(["copy", "--from", original, "--to", url], environment: cluster.environment)
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.contains("counts and invoice totals agree"), "\(there.stdout)")
        let back = dir.path("back.db")
        let home = try CLI.run(["copy", "--from", url, "--to", back], environment: cluster.environment)
        #expect(home.status == 0, "\(home.stderr)")
        #expect(try Self.content(back) == Self.content(original))

        let periods = try Database.openWarehouseReadOnly(path: original).rows("SELECT DISTINCT period FROM charge_facts ORDER BY 1")
            .compactMap { $0.first?.string }
        #expect(!periods.isEmpty)
        for period in periods {
            for group in InvoiceGrouping.allCases {
                for format in ["json", "csv"] {
                    let arguments = ["invoice", "--period", period, "--group", group.rawValue, "--format", format]
                    let mine = try CLI.run(arguments + ["--db", original]), theirs = try CLI.run(arguments + ["--db", back])
                    #expect(mine.status == 0, "\(mine.stderr)")
                    #expect(!mine.stdout.isEmpty && mine.stdout == theirs.stdout, "\(period) \(group) \(format)")
                    #expect(mine.stderr == theirs.stderr, "\(period) \(group) \(format)")
                }
            }
        }

        // The views people query answer the same on both back ends, in every format.
        // (Not usage_daily and credits_by_user_month: they add quantities as floating point, whose
        // last digits depend on the order of the sum.)
        let views = [
            ("invoice_lines", "usage_id"), ("cost_by_cost_center_month", "1, 2, 3"), ("last_runs", "run_id"), ("charges", "usage_id"),
            ("usage", "usage_id"), ("unpriced_usage", "1, 2, 3, 4"), ("latest_credit_budgets", "1, 2"),
        ]
        for (view, order) in views {
            let sql = "SELECT * FROM \(view) ORDER BY \(order)"
            for format in ["csv", "json"] {
                let lite = try CLI.run(["sql", sql, "--db", original, "--format", format])
                let pg = try CLI.run(["sql", sql, "--db", url, "--format", format], environment: cluster.environment)
                #expect(pg.status == 0, "\(pg.stderr)")
                #expect(!lite.stdout.isEmpty && pg.stdout == lite.stdout, "\(view) \(format)")
            }
        }
    }

    @Test func aDestinationWithRowsIsRefusedAndLeftAsItWas() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let original = try await Self.demo(dir)
        let url = try await cluster.database("occupied")
        #expect(try CLI.run(["copy", "--from", original, "--to", url], environment: cluster.environment).status == 0)
        let counts = try await cluster.session("occupied") { try await $0.rows("SELECT count(*) FROM usage_facts") }
        let again = try CLI.run(["copy", "--from", original, "--to", url], environment: cluster.environment)
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("warehouse: copy: \(url) is not empty (table "), "\(again.stderr)")
        #expect(try await cluster.session("occupied") { try await $0.rows("SELECT count(*) FROM usage_facts") } == counts)

        // Back to SQLite: a warehouse file with rows is refused the same way, and unchanged.
        let before = try Self.content(original)
        let home = try CLI.run(["copy", "--from", url, "--to", original], environment: cluster.environment)
        #expect(home.status == 1)
        #expect(home.stderr.hasPrefix("warehouse: copy: \(original) is not empty (table "), "\(home.stderr)")
        #expect(try Self.content(original) == before)
    }

    /// A copy whose invoice totals come out different fails, and the destination keeps nothing:
    /// here a trigger on the destination adds a micro-unit to every charge it receives.
    @Test func aCopyWhoseTotalsDifferFailsAndRollsBack() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let original = try await Self.demo(dir)
        let url = try await cluster.database("skewed")
        #expect(try CLI.run(["init", "--db", url], environment: cluster.environment).status == 0)
        try await cluster.session("skewed") { session in
            try await session.execute("""
                CREATE FUNCTION skew() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.amount_micros := NEW.amount_micros + 1; RETURN NEW; END $$
                """)
            try await session.execute("CREATE TRIGGER skew BEFORE INSERT ON charge_facts FOR EACH ROW EXECUTE FUNCTION skew()")
        }
        let copy = try CLI.run(["copy", "--from", original, "--to", url], environment: cluster.environment)
        #expect(copy.status == 1)
        #expect(copy.stderr.hasPrefix("warehouse: copy: check failed: invoice totals (charge_facts by period and currency) differ ("), "\(copy.stderr)")
        #expect(copy.stderr.hasSuffix("nothing was copied\n"))
        let left = try await cluster.session("skewed") {
            try await $0.rows("SELECT (SELECT count(*) FROM usage_facts) + (SELECT count(*) FROM charge_facts) + (SELECT count(*) FROM raw_pages)")
        }
        #expect(left == [[.integer(0)]])
    }

    @Test func sqlOnPostgreSQLIsReadOnlyAndBindsItsParameters() async throws {
        let cluster = try #require(PostgresCluster.current)
        let url = try await cluster.database("adhoc")
        let env = cluster.environment
        #expect(try CLI.run(["init", "--db", url], environment: env).status == 0)
        let write = try CLI.run(["sql", "INSERT INTO cost_centers VALUES ('x', 'X')", "--db", url], environment: env)
        #expect(write.status == 1)
        #expect(write.stderr == "warehouse: this statement writes to the warehouse; add --write to allow it\n")
        let sneaky = try CLI.run(["sql", "SET TRANSACTION READ WRITE", "--db", url], environment: env)
        #expect(sneaky.status == 1, "\(sneaky.stdout)")
        let written = try CLI.run(["sql", "INSERT INTO cost_centers VALUES (:k, :name)", "-p", "k", "o'brien", "-p", "name", "O'Brien; DROP TABLE usage_facts", "--db", url, "--write"], environment: env)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stderr == "1 row(s) changed\n")
        let read = try CLI.run(["sql", "SELECT display_name, 2::bigint * :n AS twice, 1.50::numeric AS exact, x'00ff'::text IS NULL AS flag FROM cost_centers WHERE cost_center_key = :k",
                                "-p", "k", "o'brien", "-p", "n", "-21", "--db", url, "--format", "csv"], environment: env)
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == "display_name,twice,exact,flag\r\nO'Brien; DROP TABLE usage_facts,-42,1.50,0\r\n")
        let empty = try CLI.run(["sql", "SELECT period FROM charge_totals", "--db", url, "--format", "json"], environment: env)
        #expect(empty.status == 0 && empty.stdout == "[]\n", "\(empty.stdout)")
        let two = try CLI.run(["sql", "SELECT 1; SELECT 2", "--db", url], environment: env)
        #expect(two.status == 1 && two.stderr == "warehouse: more than one statement; run them one at a time\n")
    }
}
