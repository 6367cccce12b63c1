import Foundation
import Load
import Postgres
import TestSupport
import Testing

/// The PostgreSQL schema against SQLite's, both read from their catalogs at test time: a schema
/// change on one side only (a version 7 column, say) fails here until Sources/Postgres/schema.sql
/// has it too. And the Citus check: every large table's keys hold the distribution column.
@Suite(.postgresCluster, .serialized)
struct PostgresSchemaTests {
    static let distribution = PostgresSchema.distributionColumn

    /// A fresh SQLite warehouse and a fresh PostgreSQL one, as `warehouse init` makes them.
    func shapes(_ database: String) async throws -> (sqlite: SchemaShape, postgres: SchemaShape) {
        let cluster = try #require(PostgresCluster.current)
        _ = try await cluster.database(database)
        let dir = try TemporaryDirectory()
        let init1 = try CLI.run(["init", "--db", dir.path("w.db")])
        #expect(init1.status == 0, "\(init1.stderr)")
        let init2 = try CLI.run(["init", "--db", String(cluster.url.dropLast("postgres".count)) + database], environment: cluster.environment)
        #expect(init2.status == 0, "\(init2.stderr)")
        #expect(init2.stdout.hasSuffix(": schema version \(PostgresSchema.version)\n"), "\(init2.stdout)")
        let sqlite = try SchemaShape.sqlite(try Database.openWarehouseReadOnly(path: dir.path("w.db")))
        let postgres = try await cluster.session(database) { try await SchemaShape.postgres($0) }
        return (sqlite, postgres)
    }

    @Test func postgresSchemaIsTheVersionSQLiteIsAt() {
        #expect(PostgresSchema.sqliteVersion == Migrations.latestVersion, "port the new migration to Sources/Postgres/schema.sql")
    }

    @Test func theSameTablesViewsColumnsAndUniqueKeys() async throws {
        let (sqlite, postgres) = try await shapes("agreement")
        #expect(Set(postgres.tables.keys) == Set(sqlite.tables.keys))
        #expect(Set(postgres.views.keys) == Set(sqlite.views.keys))
        for (view, columns) in sqlite.views { #expect(postgres.views[view] == columns, "view \(view)") }
        for (table, columns) in sqlite.tables {
            let distributed = PostgresSchema.distributed.contains(table)
            var theirs = postgres.tables[table] ?? []
            // The distribution column is the one column PostgreSQL may add, and only to a large table.
            if distributed, !columns.contains(where: { $0.name == Self.distribution }) {
                theirs.removeAll { $0.name == Self.distribution }
            }
            let primary = Set(sqlite.primaryKeys[table] ?? [])
            #expect(theirs.map(\.name) == columns.map(\.name), "columns of \(table)")
            for (mine, other) in zip(columns, theirs) {
                #expect(mine.kind == other.kind && mine.noCase == other.noCase, "\(table).\(mine.name): SQLite \(mine), PostgreSQL \(other)")
                // SQLite lets a rowid table's key columns be NULL unless declared NOT NULL; PostgreSQL never does.
                if !primary.contains(mine.name) {
                    #expect(mine.notNull == other.notNull, "\(table).\(mine.name): SQLite \(mine), PostgreSQL \(other)")
                }
            }
            let mineKeys = sqlite.uniqueKeys[table] ?? []
            let theirKeys = Set((postgres.uniqueKeys[table] ?? []).map { key in
                let without = key.filter { $0 != Self.distribution }
                return distributed && mineKeys.contains(without) ? without : key
            })
            #expect(theirKeys == mineKeys, "unique keys of \(table)")
        }
    }

    /// Citus can only enforce a key on a distributed table that holds the distribution column, and
    /// join or cascade between two of them on it: checked on plain PostgreSQL's catalog.
    @Test func everyLargeTableKeyHoldsTheDistributionColumn() async throws {
        let (_, postgres) = try await shapes("citus")
        #expect(Set(PostgresSchema.distributed + PostgresSchema.reference) == Set(postgres.tables.keys), "every table classified")
        #expect(Set(PostgresSchema.distributed).isDisjoint(with: PostgresSchema.reference))
        // create_reference_table needs the tables a reference table points to made reference first.
        for (index, table) in PostgresSchema.reference.enumerated() {
            for (_, target) in postgres.foreignKeys[table] ?? [] where target != table {
                #expect(PostgresSchema.reference.prefix(index).contains(target), "\(table) is listed before \(target), which it references")
            }
        }
        let problems = postgres.citusProblems(distributed: PostgresSchema.distributed, column: Self.distribution)
        #expect(problems.isEmpty, "\(problems)")
        // The check can fail: a usage_facts keyed by usage_id alone, or a charge_facts joined to it on usage_id alone.
        var broken = postgres
        broken.uniqueKeys["usage_facts"]?.insert(["usage_id"])
        broken.foreignKeys["charge_facts"] = [(["usage_id"], "usage_facts")]
        #expect(broken.citusProblems(distributed: PostgresSchema.distributed, column: Self.distribution) == [
            "usage_facts: key (usage_id) lacks account_key", "charge_facts → usage_facts on (usage_id) lacks account_key",
        ])
    }

    @Test func initTwiceIsANoOpAndAForeignDatabaseIsRefused() async throws {
        let cluster = try #require(PostgresCluster.current)
        let url = try await cluster.database("twice")
        #expect(try CLI.run(["init", "--db", url], environment: cluster.environment).status == 0)
        let again = try CLI.run(["init", "--db", url], environment: cluster.environment)
        #expect(again.status == 0)
        #expect(again.stdout == "\(url): schema version \(PostgresSchema.version)\n")
        let foreign = try await cluster.database("alien")
        try await cluster.session("alien") { _ = try await $0.execute("CREATE TABLE mine (x int)") }
        let refused = try CLI.run(["init", "--db", foreign], environment: cluster.environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not a warehouse database"), "\(refused.stderr)")
        let tables = try await cluster.session("alien") { try await $0.rows("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") }
        #expect(tables == [[.integer(1)]])
    }

    /// README's runbook gives exactly the calls the code would make.
    @Test func readmeGivesTheCitusCalls() throws {
        let readme = try String(contentsOfFile: PostgresCluster.script.replacingOccurrences(of: "scripts/pg-cluster.sh", with: "README.md"), encoding: .utf8)
        #expect(readme.contains(PostgresSchema.citusCalls))
    }
}
