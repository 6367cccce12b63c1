import Foundation
import Load
import WarehouseCore

/// The warehouse's schema on PostgreSQL: `schema.sql` beside this file (embedded at build time),
/// which SQLite version it stands for, and how Citus would spread its tables.
public enum PostgresSchema {
    /// The version of the DDL, recorded in `schema_version`. Up to 7 it is SQLite's (version 7
    /// is the port of SQLite's version 7); later ones are PostgreSQL's own, listed in
    /// `PostgresMigrations.swift`, which carries an older warehouse forward.
    public static let version = 8

    /// The SQLite schema version whose tables, columns, keys and views the DDL has: a copy
    /// between the two back ends needs this build's SQLite schema to be it.
    public static let sqliteVersion = 7

    /// The DDL, as `warehouse init --db postgres://…` runs it.
    public static var sql: String { PostgresSchemaText.sql }

    /// The column Citus distributes the large tables by: the billing account.
    public static let distributionColumn = "account_key"

    /// The large tables: distributed by `account_key`, co-located with `usage_facts`, the column in
    /// every primary and unique key of theirs. (`charge_facts` has it as a column SQLite lacks.)
    public static let distributed = ["usage_facts", "charge_facts", "pending_scopes"]

    /// Every other table: small, or read whole by every query of it, so replicated to each node.
    /// `raw_pages` is here for now although it is not small: the facts keep a foreign key to it,
    /// which Citus allows from a distributed table only to a reference table. A per-account page
    /// table is the later fix if pages outgrow one node's disk.
    public static let reference = [
        "schema_version", "etl_runs", "raw_pages", "checkpoints", "customers", "subscriptions", "users", "resources", "meters",
        "cost_centers", "rates", "offer_terms", "storage_snapshots", "credit_budgets", "org_credits", "charge_scopes",
        "invoice_rollup", "pending_reprice", "alert_deliveries", "credit_allocations", "reported_windows", "account_keys",
        "resource_keys", "meter_keys", "usage_details", "cost_center_names", "charge_totals", "charge_kinds", "charge_terms",
    ]

    /// Replaces `charge_totals`' statement-level triggers (one update per period per statement,
    /// over transition tables) with row-level ones on the same counts: Citus refuses
    /// statement-level triggers on a distributed table (https://github.com/citusdata/citus/pull/5705)
    /// and runs row-level ones under `citus.enable_unsafe_triggers`. The README's runbook runs
    /// this before `citusCalls`; `PostgresSchemaTests` runs it on plain PostgreSQL and checks the
    /// counts it keeps.
    public static let citusRowTriggers = """
        DROP TRIGGER charge_facts_counted ON charge_facts;
        DROP TRIGGER charge_facts_uncounted ON charge_facts;
        DROP TRIGGER charge_facts_recounted ON charge_facts;
        CREATE TRIGGER charge_facts_counted AFTER INSERT OR DELETE ON charge_facts
            FOR EACH ROW EXECUTE FUNCTION warehouse_count_charge();
        CREATE TRIGGER charge_facts_recounted AFTER UPDATE OF period, amount_micros ON charge_facts
            FOR EACH ROW WHEN (NEW.period IS DISTINCT FROM OLD.period OR NEW.amount_micros IS DISTINCT FROM OLD.amount_micros)
            EXECUTE FUNCTION warehouse_count_charge();

        """

    /// The Citus calls that distribute a fresh warehouse (README, "PostgreSQL and Citus"):
    /// `charge_totals`' triggers made row-level, then reference tables first, in the order their foreign keys need, then the large tables.
    public static var citusCalls: String {
        var lines = citusRowTriggers.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        lines += reference.map { "SELECT create_reference_table('\($0)');" }
        lines.append("SELECT create_distributed_table('\(distributed[0])', '\(distributionColumn)');")
        for table in distributed.dropFirst() {
            lines.append("SELECT create_distributed_table('\(table)', '\(distributionColumn)', colocate_with => '\(distributed[0])');")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension PostgresSession {
    /// The schema version of this database's warehouse (0: no warehouse here, nothing else either).
    /// A database with tables but no `schema_version` is refused, as SQLite refuses a foreign file.
    public func schemaVersion() throws -> Int {
        let exists = try scalarWaiting("SELECT to_regclass('schema_version') IS NOT NULL")
        if exists == .integer(1) {
            return Int(try scalarWaiting("SELECT coalesce(max(version), 0) FROM schema_version")?.int64 ?? 0)
        }
        let others = try scalarWaiting(
            "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')")?.int64 ?? 0
        if others > 0 {
            throw PostgresError("\(url.redacted): not a warehouse database (it has tables but no schema_version); refusing to touch it")
        }
        return 0
    }

    /// Creates the warehouse in an empty database, in one transaction, or checks that the one
    /// there is of this build's version. Returns the version. Two `init`s at once are serialized
    /// by an advisory lock; the second finds the warehouse the first made.
    @discardableResult
    public func initializeWarehouse(now: UTCTime = .now()) throws -> Int {
        _ = try runWaiting("BEGIN")
        do {
            let version = try createOrCheckWarehouse(now: now)
            _ = try runWaiting("COMMIT")
            return version
        } catch {
            _ = try? runWaiting("ROLLBACK")
            throw error
        }
    }

    /// `initializeWarehouse` inside a transaction the caller has begun (and commits or rolls
    /// back): `warehouse copy` creates the schema in the transaction that fills it. An older
    /// warehouse is migrated (`migrate(from:now:)`), and any gets the views' triggers when they
    /// are missing or another build's (`ensureViewTriggers`: after a migration, which makes the
    /// views again, they are).
    func createOrCheckWarehouse(now: UTCTime) throws -> Int {
        _ = try runWaiting("SELECT pg_advisory_xact_lock(hashtext('warehouse init'))")
        let current = try schemaVersion()
        guard current == 0 else {
            if current < PostgresSchema.version {
                try migrate(from: current, now: now)
            } else {
                try checkVersion(current)
            }
            try ensureViewTriggers()
            return PostgresSchema.version
        }
        for statement in SQLScript.statements(PostgresSchema.sql) { _ = try runWaiting(statement) }
        _ = try runWaiting(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", [.integer(Int64(PostgresSchema.version)), .text(now.iso8601)])
        return PostgresSchema.version
    }

    /// Refuses a warehouse of another version than this build's (an older one is migrated when
    /// opened for writing, not when read).
    public func checkVersion(_ version: Int) throws {
        if version > PostgresSchema.version {
            throw PostgresError("\(url.redacted): schema version \(version) is newer than this build knows (\(PostgresSchema.version)); upgrade warehouse")
        }
        if version < PostgresSchema.version {
            throw PostgresError(
                "\(url.redacted): schema version \(version), expected \(PostgresSchema.version); run `warehouse init` to migrate")
        }
    }
}
