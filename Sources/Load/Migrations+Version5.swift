import Foundation
import WarehouseCore

extension Migrations {
    /// Version 5 (issue 15, compact facts): usage and charges as a star schema. Each account,
    /// resource, meter, set of usage details and cost-center spelling gets an integer key in a
    /// small dimension table, with its id canonicalized once (ASCII lower case, what `NOCASE`
    /// folded) and the source's spelling kept for display; `usage_facts` rows hold those keys,
    /// times as integer seconds since 1970 UTC, the exact quantity as decimal text and their page;
    /// `charge_facts` rows a name key and an amount. The hot indexes compare integers.
    ///
    /// `usage` and `charges` become views with their version-4 columns and meaning (ad-hoc SQL and
    /// the views for people keep working), and inserts, updates and deletes through them reach the
    /// fact tables (`Migrations.compatibilityTriggers`). Rows keep their `usage_id`s; times that do
    /// not survive the round trip through seconds are refused, so nothing changes silently.
    static let version5 = Migration(
        version: 5,
        sql: version5Tables,
        after: migrateToVersion5)

    static let version5Tables = """
        -- Dimension keys: one row per (source, canonical id); `spelling` is the id as first seen.
        CREATE TABLE account_keys (
            account_key INTEGER PRIMARY KEY,
            source      TEXT NOT NULL,
            account_id  TEXT NOT NULL,
            spelling    TEXT NOT NULL COLLATE NOCASE,
            CHECK (account_id = lower(spelling)),
            UNIQUE (source, account_id)
        );
        CREATE TABLE resource_keys (
            resource_key INTEGER PRIMARY KEY,
            source       TEXT NOT NULL,
            resource_id  TEXT NOT NULL,
            spelling     TEXT NOT NULL COLLATE NOCASE,
            CHECK (resource_id = lower(spelling)),
            UNIQUE (source, resource_id)
        );
        CREATE TABLE meter_keys (
            meter_key INTEGER PRIMARY KEY,
            source    TEXT NOT NULL,
            meter_id  TEXT NOT NULL,
            spelling  TEXT NOT NULL COLLATE NOCASE,
            CHECK (meter_id = lower(spelling)),
            UNIQUE (source, meter_id)
        );
        -- What a usage row says beyond its key: one row per distinct combination (a resource's
        -- tags, group and unit repeat on every day of it). Kept distinct by the writer.
        CREATE TABLE usage_details (
            detail_key      INTEGER PRIMARY KEY,
            unit            TEXT,
            customer_id     TEXT,
            subscription_id TEXT,
            resource_group  TEXT,
            user_name       TEXT,
            location        TEXT,
            tags            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags))
        );
        CREATE INDEX usage_details_by_value ON usage_details (subscription_id, resource_group, user_name, unit);

        -- Usage: the version-4 natural key (source, account, resource, meter, start, end, reported
        -- window) as integers; the source is the account's. `usage_start`, `usage_end` and the
        -- reported window are seconds since 1970-01-01T00:00:00Z; the window is 0, 0 for usage
        -- whose buckets a re-pull re-states. The UNIQUE index, led by (account, meter, start), is
        -- also the pricing scope's order: a month of one scope is one range of it.
        CREATE TABLE usage_facts (
            usage_id       INTEGER PRIMARY KEY,
            account_key    INTEGER NOT NULL REFERENCES account_keys (account_key),
            meter_key      INTEGER NOT NULL REFERENCES meter_keys (meter_key),
            usage_start    INTEGER NOT NULL,
            resource_key   INTEGER NOT NULL REFERENCES resource_keys (resource_key),
            usage_end      INTEGER NOT NULL,
            reported_start INTEGER NOT NULL DEFAULT 0,
            reported_end   INTEGER NOT NULL DEFAULT 0,
            detail_key     INTEGER NOT NULL REFERENCES usage_details (detail_key),
            quantity       TEXT NOT NULL,
            cost           TEXT,
            cost_currency  TEXT CHECK (cost_currency IS NULL OR length(cost_currency) = 3),
            page_id        INTEGER REFERENCES raw_pages (page_id),
            CHECK (usage_end >= usage_start),
            CHECK (reported_end >= reported_start),
            CHECK ((cost IS NULL) = (cost_currency IS NULL)),
            UNIQUE (account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end)
        );
        CREATE INDEX usage_facts_by_window ON usage_facts (account_key, reported_start) WHERE reported_end > 0;

        -- Cost centers as the rules or tags spelled them (`cost_center_key` is the lower-cased form).
        CREATE TABLE cost_center_names (
            name_key        INTEGER PRIMARY KEY,
            cost_center_key TEXT NOT NULL REFERENCES cost_centers (cost_center_key),
            spelling        TEXT,
            UNIQUE (cost_center_key, spelling)
        );

        -- A usage row's share of its scope's cost (see `charges`), in the month `period`.
        CREATE TABLE charge_facts (
            usage_id      INTEGER PRIMARY KEY REFERENCES usage_facts (usage_id) ON DELETE CASCADE,
            period        TEXT NOT NULL,
            name_key      INTEGER NOT NULL REFERENCES cost_center_names (name_key),
            amount_micros INTEGER,
            currency      TEXT,
            CHECK ((amount_micros IS NULL) = (currency IS NULL))
        );

        -- The pricing scopes (account, meter, month) whose usage changed since their last reprice:
        -- a load queues what it wrote in its own transaction, the marts reprice just those.
        CREATE TABLE pending_scopes (
            account_key INTEGER NOT NULL REFERENCES account_keys (account_key),
            meter_key   INTEGER NOT NULL REFERENCES meter_keys (meter_key),
            period      TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
            PRIMARY KEY (account_key, meter_key, period)
        ) WITHOUT ROWID;

        -- Each period's charges counted and summed, kept by triggers on every change of
        -- `charge_facts` (a cascade from deleted usage included): what `warehouse invoice` checks
        -- its rollup against, without an index over every charge.
        CREATE TABLE charge_totals (
            period        TEXT PRIMARY KEY,
            records       INTEGER NOT NULL CHECK (records >= 0),
            priced        INTEGER NOT NULL CHECK (priced >= 0 AND priced <= records),
            amount_micros INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TRIGGER charge_facts_counted AFTER INSERT ON charge_facts
        BEGIN
            \(countNew)
        END;
        CREATE TRIGGER charge_facts_uncounted AFTER DELETE ON charge_facts
        BEGIN
            \(uncountOld)
        END;
        CREATE TRIGGER charge_facts_recounted AFTER UPDATE OF period, amount_micros ON charge_facts
        WHEN NEW.period IS NOT OLD.period OR NEW.amount_micros IS NOT OLD.amount_micros
        BEGIN
            \(uncountOld)
            \(countNew)
        END;

        """

    /// `charge_totals` with NEW counted, and with OLD no longer counted.
    static let countNew = """
        INSERT INTO charge_totals (period, records, priced, amount_micros)
        VALUES (NEW.period, 1, NEW.amount_micros IS NOT NULL, COALESCE(NEW.amount_micros, 0))
        ON CONFLICT (period) DO UPDATE SET records = records + 1, priced = priced + (NEW.amount_micros IS NOT NULL),
            amount_micros = amount_micros + COALESCE(NEW.amount_micros, 0);
        """
    static let uncountOld = """
        UPDATE charge_totals SET records = records - 1, priced = priced - (OLD.amount_micros IS NOT NULL),
            amount_micros = amount_micros - COALESCE(OLD.amount_micros, 0)
        WHERE period = OLD.period;
        """

    /// Version-4 rows into the version-5 tables, with the same `usage_id`s.
    static let version5Copy = """
        CREATE TEMP TABLE v5_charges AS SELECT * FROM main.charges;
        INSERT INTO account_keys (source, account_id, spelling)
            SELECT source, lower(account_id), min(account_id) FROM usage GROUP BY source, lower(account_id);
        INSERT INTO resource_keys (source, resource_id, spelling)
            SELECT source, lower(resource_id), min(resource_id) FROM usage GROUP BY source, lower(resource_id);
        INSERT INTO meter_keys (source, meter_id, spelling)
            SELECT source, lower(meter_id), min(meter_id) FROM usage GROUP BY source, lower(meter_id);
        INSERT INTO usage_details (unit, customer_id, subscription_id, resource_group, user_name, location, tags)
            SELECT DISTINCT unit, customer_id, subscription_id, resource_group, user_name, location, tags FROM usage;
        CREATE TEMP TABLE v5_details AS
            SELECT detail_key, unit, customer_id, subscription_id, resource_group, user_name, location, tags FROM main.usage_details;
        CREATE INDEX temp.v5_details_by_value ON v5_details (subscription_id, resource_group, user_name, unit);
        INSERT INTO usage_facts (usage_id, account_key, meter_key, usage_start, resource_key, usage_end, reported_start,
                                 reported_end, detail_key, quantity, cost, cost_currency, page_id)
            SELECT u.usage_id, a.account_key, m.meter_key, unixepoch(u.usage_start), r.resource_key, unixepoch(u.usage_end),
                   CASE u.reported_end WHEN '' THEN 0 ELSE unixepoch(u.reported_start) END,
                   CASE u.reported_end WHEN '' THEN 0 ELSE unixepoch(u.reported_end) END,
                   (SELECT d.detail_key FROM temp.v5_details d
                    WHERE d.unit IS u.unit AND d.customer_id IS u.customer_id AND d.subscription_id IS u.subscription_id
                      AND d.resource_group IS u.resource_group AND d.user_name IS u.user_name AND d.location IS u.location
                      AND d.tags IS u.tags),
                   u.quantity, u.cost, u.cost_currency, u.page_id
            FROM usage u
            JOIN account_keys a ON a.source = u.source AND a.account_id = lower(u.account_id)
            JOIN resource_keys r ON r.source = u.source AND r.resource_id = lower(u.resource_id)
            JOIN meter_keys m ON m.source = u.source AND m.meter_id = lower(u.meter_id);
        INSERT INTO cost_center_names (cost_center_key, spelling)
            SELECT DISTINCT cost_center_key, cost_center FROM temp.v5_charges;
        INSERT INTO charge_facts (usage_id, period, name_key, amount_micros, currency)
            SELECT c.usage_id, c.period,
                   (SELECT n.name_key FROM cost_center_names n WHERE n.cost_center_key = c.cost_center_key AND n.spelling IS c.cost_center),
                   c.amount_micros, c.currency
            FROM temp.v5_charges c;
        CREATE TEMP TABLE v5_counts AS
            SELECT (SELECT count(*) FROM main.usage) AS usage_rows, (SELECT count(*) FROM temp.v5_charges) AS charge_rows;
        DROP TABLE temp.v5_charges;
        DROP TABLE temp.v5_details;
        DROP VIEW invoice_lines;
        DROP VIEW usage_daily;
        DROP VIEW credits_by_user_month;
        DROP VIEW cost_by_cost_center_month;
        DROP VIEW unpriced_usage;
        DROP TABLE charges;
        DROP TABLE usage;

        """

    /// Every version-4 row must be in the new tables, its times unchanged by the round trip
    /// through seconds (a hand-written time such as `2026-10-01 00:00` would come back otherwise).
    @Sendable static func migrateToVersion5(_ db: Database) throws {
        let row = try db.prepare(oddTimes).first { ($0.int64(0), $0.optionalString(1)) }
        if let row, row.0 > 0 {
            throw SchemaError(
                path: db.path,
                message: "cannot migrate to version 5: \(row.0) usage rows have times not in the form YYYY-MM-DDTHH:MM:SSZ"
                    + (row.1.map { ", e.g. usage \($0)" } ?? "") + "; nothing was changed")
        }
        try db.execute(version5Copy)
        let counts = try db.prepare("SELECT usage_rows, charge_rows FROM temp.v5_counts").first { ($0.int64(0), $0.int64(1)) }
        try db.execute("DROP TABLE temp.v5_counts")
        let usage = try db.scalar("SELECT count(*) FROM usage_facts")?.int64 ?? -1
        let charges = try db.scalar("SELECT count(*) FROM charge_facts")?.int64 ?? -1
        guard let counts, counts.0 == usage, counts.1 == charges else {
            throw SchemaError(
                path: db.path,
                message: "migration to version 5 would lose rows (usage \(counts?.0 ?? -1) → \(usage), charges \(counts?.1 ?? -1) → \(charges)); nothing was changed")
        }
        try db.execute(version5Views + compatibilityTriggers)
    }

    /// Version-4 usage rows whose times would not come back the same from seconds, and one of them.
    static let oddTimes = """
        SELECT
            (SELECT count(*) FROM main.usage
                    WHERE strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(usage_start), 'unixepoch') IS NOT usage_start
                       OR strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(usage_end), 'unixepoch') IS NOT usage_end
                       OR (reported_end <> '' AND (
                           strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(reported_start), 'unixepoch') IS NOT reported_start
                           OR strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(reported_end), 'unixepoch') IS NOT reported_end))) AS odd_times,
                   (SELECT usage_id || ' (' || usage_start || ')' FROM main.usage
                    WHERE strftime('%Y-%m-%dT%H:%M:%SZ', unixepoch(usage_start), 'unixepoch') IS NOT usage_start LIMIT 1) AS example;
        """
}
