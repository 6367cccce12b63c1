import Foundation
import WarehouseCore

extension Migrations {
    /// Version 7 (issue 21): what an Azure cost export says of a charge besides the usage
    /// (`ChargeTerms`), so an imported export converts to FOCUS as Microsoft's document says
    /// ("Convert Cost Management data to FOCUS",
    /// https://learn.microsoft.com/cloud-computing/finops/focus/convert): `ChargeType`,
    /// `PricingModel`, `BenefitId`, `UnitPrice`, `PayGPrice`, `Frequency`, `ConsumedService`,
    /// `AdditionalInfo`, ...
    ///
    /// The charge's kind (type, pricing model, commitment) joins the natural key of `usage_facts`
    /// as `charge_key`: a reservation `Purchase` and the `Usage` of the same subscription, meter,
    /// resource and day are two rows, neither overwriting nor adding to the other. Key 0 is plain
    /// usage (on demand, no commitment, or nothing stated), what every row was before. The rest is
    /// `terms_key`, outside the key (a later export restating a price updates its row), NULL for
    /// usage the warehouse prices. Both are one byte of a usage row when 0 or NULL.
    ///
    /// SQLite cannot change a UNIQUE constraint in place, so `usage_facts` is copied to a new table
    /// with the same `usage_id`s and renamed, as version 4 did; the charges, which the drop would
    /// cascade away, are kept aside and put back, with the `charge_totals` triggers off meanwhile so
    /// the totals stay as they are. Invoices read the same rows and charges before and after.
    static let version7 = Migration(
        version: 7,
        sql: version7Tables + version7Copy,
        after: checkVersion7)

    static let version7Tables = """
        -- The kind of a cost export's charge: part of a usage row's natural key. Key 0 is plain usage.
        CREATE TABLE charge_kinds (
            charge_key    INTEGER PRIMARY KEY,
            charge_type   TEXT NOT NULL,
            pricing_model TEXT NOT NULL DEFAULT '',
            benefit_id    TEXT NOT NULL DEFAULT '',
            UNIQUE (charge_type, pricing_model, benefit_id)
        );
        INSERT INTO charge_kinds (charge_key, charge_type, pricing_model, benefit_id) VALUES (0, 'Usage', 'OnDemand', '');

        -- The rest of what a cost export line says of its charge, one row per distinct combination
        -- (kept distinct by the writer). Prices are exact decimal text; `agreement` is EA or MCA.
        CREATE TABLE charge_terms (
            terms_key            INTEGER PRIMARY KEY,
            agreement            TEXT CHECK (agreement IN ('EA', 'MCA')),
            billing_account_id   TEXT,
            billing_account_name TEXT,
            subscription_name    TEXT,
            invoice_id           TEXT,
            partner_name         TEXT,
            publisher_name       TEXT,
            frequency            TEXT,
            consumed_service     TEXT,
            product_name         TEXT,
            product_id           TEXT,
            unit_price           TEXT,
            payg_price           TEXT,
            exchange_rate        TEXT,
            pricing_currency     TEXT,
            benefit_name         TEXT,
            additional_info      TEXT CHECK (additional_info IS NULL OR json_valid(additional_info))
        );
        CREATE INDEX charge_terms_by_value ON charge_terms (billing_account_id, consumed_service, unit_price);

        CREATE TABLE usage_facts_v7 (
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
            charge_key     INTEGER NOT NULL DEFAULT 0 REFERENCES charge_kinds (charge_key),
            terms_key      INTEGER REFERENCES charge_terms (terms_key),
            CHECK (usage_end >= usage_start),
            CHECK (reported_end >= reported_start),
            CHECK ((cost IS NULL) = (cost_currency IS NULL)),
            UNIQUE (account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end, charge_key)
        );

        """

    static let version7Copy = """
        CREATE TEMP TABLE v7_counts AS
            SELECT (SELECT count(*) FROM main.usage_facts) AS usage_rows, (SELECT count(*) FROM main.charge_facts) AS charge_rows;
        CREATE TEMP TABLE v7_charges AS SELECT * FROM main.charge_facts;
        DROP TRIGGER charge_facts_counted;
        DROP TRIGGER charge_facts_uncounted;
        DROP TRIGGER charge_facts_recounted;
        INSERT INTO usage_facts_v7 (usage_id, account_key, meter_key, usage_start, resource_key, usage_end, reported_start,
                                    reported_end, detail_key, quantity, cost, cost_currency, page_id)
            SELECT usage_id, account_key, meter_key, usage_start, resource_key, usage_end, reported_start,
                   reported_end, detail_key, quantity, cost, cost_currency, page_id
            FROM main.usage_facts ORDER BY usage_id;
        PRAGMA legacy_alter_table = ON;
        DROP TABLE usage_facts;
        ALTER TABLE usage_facts_v7 RENAME TO usage_facts;
        PRAGMA legacy_alter_table = OFF;
        CREATE INDEX usage_facts_by_window ON usage_facts (account_key, reported_start) WHERE reported_end > 0;
        INSERT INTO main.charge_facts SELECT * FROM temp.v7_charges ORDER BY usage_id;
        DROP TABLE temp.v7_charges;
        \(chargeTotalTriggers)
        """

    /// The `charge_totals` triggers as version 6 made them (its SQL without its DROPs).
    static var chargeTotalTriggers: String {
        version6.sql.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("DROP TRIGGER") }
            .joined(separator: "\n")
    }

    /// Every usage row and charge is still there, under the same ids.
    @Sendable static func checkVersion7(_ db: Database) throws {
        let before = try db.prepare("SELECT usage_rows, charge_rows FROM temp.v7_counts").first { ($0.int64(0), $0.int64(1)) }
        try db.execute("DROP TABLE temp.v7_counts")
        let usage = try db.scalar("SELECT count(*) FROM usage_facts")?.int64 ?? -1
        let charges = try db.scalar("SELECT count(*) FROM charge_facts")?.int64 ?? -1
        guard let before, before.0 == usage, before.1 == charges else {
            throw SchemaError(
                path: db.path,
                message: "migration to version 7 would lose rows (usage \(before?.0 ?? -1) → \(usage), charges \(before?.1 ?? -1) → \(charges)); nothing was changed")
        }
    }
}
