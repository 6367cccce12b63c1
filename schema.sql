-- warehouse schema, version 1: the one source of truth for tables and views.
--
-- Applied by `warehouse init` (and by every command that opens the file) inside one transaction;
-- later versions are appended as numbered migrations in Sources/Load/Migrations.swift, never by
-- editing what a released file already holds.
--
-- Conventions, so a finance user can trust what they read:
-- * Timestamps are UTC ISO-8601 text: 'YYYY-MM-DDTHH:MM:SSZ'. Days are 'YYYY-MM-DD', months 'YYYY-MM'.
-- * Money is never REAL: amounts are INTEGER micro-units of the currency (1 USD = 1000000);
--   unit prices, which can be smaller than a micro-unit, are exact decimal TEXT.
-- * Quantities are exact decimal TEXT as the source sent them (SUM() in ad-hoc SQL still works,
--   approximately; the pricing code reads them exactly).
-- * Natural keys are UNIQUE, so loading the same data twice changes nothing.
-- * `source` is the name of a configured source (for example 'contoso-csp' or 'agol'); every fact
--   carries it, so two tenants or orgs never collide.

-- The schema version applied to this file; one row per migration.
CREATE TABLE schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);

------------------------------------------------------------------------------------------------
-- Provenance
------------------------------------------------------------------------------------------------

-- One row per run of `etl`, `import` or `rebuild`: when, what, how it ended, and per-source
-- counts and errors as a JSON object in `detail`.
CREATE TABLE etl_runs (
    run_id      INTEGER PRIMARY KEY,
    command     TEXT NOT NULL CHECK (command IN ('etl', 'import', 'rebuild', 'demo', 'alerts', 'allocate')),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
    pages       INTEGER NOT NULL DEFAULT 0 CHECK (pages >= 0),
    records     INTEGER NOT NULL DEFAULT 0 CHECK (records >= 0),
    detail      TEXT CHECK (detail IS NULL OR json_valid(detail)),
    CHECK (finished_at IS NULL OR finished_at >= started_at),
    CHECK ((status = 'running') = (finished_at IS NULL))
);

-- Every response body or imported file, as received, zlib-compressed. `request` is the URL or
-- file name with every secret removed; `context` holds what the document does not say about
-- itself (customer, subscription, org) so `warehouse rebuild` can re-derive facts from here alone.
-- The same bytes for the same source and stream are stored once.
CREATE TABLE raw_pages (
    page_id        INTEGER PRIMARY KEY,
    run_id         INTEGER REFERENCES etl_runs (run_id),
    source         TEXT NOT NULL,
    stream         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    request        TEXT NOT NULL,
    context        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context)),
    fetched_at     TEXT NOT NULL,
    content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
    byte_count     INTEGER NOT NULL CHECK (byte_count >= 0),
    body           BLOB NOT NULL,
    UNIQUE (source, stream, content_sha256)
);

-- The high-water mark of each stream of each source: the end of the last window whose pages
-- all committed. Advanced in the same transaction as the batch it covers.
CREATE TABLE checkpoints (
    source      TEXT NOT NULL,
    stream      TEXT NOT NULL,
    high_water  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    run_id      INTEGER REFERENCES etl_runs (run_id),
    PRIMARY KEY (source, stream)
) WITHOUT ROWID;

------------------------------------------------------------------------------------------------
-- Dimensions
------------------------------------------------------------------------------------------------

-- Partner Center customers (CSP tenants a partner invoices).
CREATE TABLE customers (
    source       TEXT NOT NULL,
    customer_id  TEXT NOT NULL COLLATE NOCASE,
    company_name TEXT,
    domain       TEXT,
    tenant_id    TEXT,
    relationship TEXT,
    PRIMARY KEY (source, customer_id)
) WITHOUT ROWID;

-- Azure subscriptions: from Partner Center (with their customer) or direct (Azure Commerce).
CREATE TABLE subscriptions (
    source          TEXT NOT NULL,
    subscription_id TEXT NOT NULL COLLATE NOCASE,
    customer_id     TEXT COLLATE NOCASE,
    offer_id        TEXT,
    offer_name      TEXT,
    billing_type    TEXT,
    status          TEXT,
    PRIMARY KEY (source, subscription_id)
) WITHOUT ROWID;

-- ArcGIS Online users with their tags (a JSON array, e.g. ["costCenter:Planning"]).
CREATE TABLE users (
    source     TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    org_id     TEXT,
    full_name  TEXT,
    email      TEXT,
    role       TEXT,
    tags       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT,
    PRIMARY KEY (source, user_name)
) WITHOUT ROWID;

-- Things that consume: Azure resources (by resourceUri, with the subscription and resource group
-- parsed out of it case-insensitively) and ArcGIS Online items (by item id, with owner and size).
CREATE TABLE resources (
    source          TEXT NOT NULL,
    resource_id     TEXT NOT NULL COLLATE NOCASE,
    subscription_id TEXT COLLATE NOCASE,
    resource_group  TEXT COLLATE NOCASE,
    provider_type   TEXT,
    name            TEXT,
    location        TEXT,
    owner           TEXT,
    tags            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
    PRIMARY KEY (source, resource_id)
) WITHOUT ROWID;

-- Meters: an Azure meter GUID (lower case) or an ArcGIS Online service type ('stype.etype').
CREATE TABLE meters (
    source      TEXT NOT NULL,
    meter_id    TEXT NOT NULL COLLATE NOCASE,
    name        TEXT,
    category    TEXT,
    subcategory TEXT,
    region      TEXT,
    unit        TEXT,
    PRIMARY KEY (source, meter_id)
) WITHOUT ROWID;

-- Cost centers as assigned by the configured rules: the case-insensitive key and the spelling
-- shown (the most common one among the usage it covers).
CREATE TABLE cost_centers (
    cost_center_key TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    CHECK (cost_center_key = lower(cost_center_key))
) WITHOUT ROWID;

------------------------------------------------------------------------------------------------
-- Facts
------------------------------------------------------------------------------------------------

-- Usage: one row per source, account, resource, meter and usage interval. `account_id` is the
-- subscription (Azure) or the org (ArcGIS Online); `resource_id` is the resourceUri, item id or ''
-- when the source names none. Re-pulled records replace earlier versions through this key.
-- ArcGIS Online usage is in credits (`unit` = 'credits') with `user_name` set. `cost` is set only
-- when the source already priced the row (Azure cost exports): its charge is then that cost, in
-- `cost_currency`, not a tiered price.
CREATE TABLE usage (
    usage_id        INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    account_id      TEXT NOT NULL COLLATE NOCASE,
    resource_id     TEXT NOT NULL COLLATE NOCASE,
    meter_id        TEXT NOT NULL COLLATE NOCASE,
    usage_start     TEXT NOT NULL,
    usage_end       TEXT NOT NULL,
    quantity        TEXT NOT NULL,
    unit            TEXT,
    customer_id     TEXT COLLATE NOCASE,
    subscription_id TEXT COLLATE NOCASE,
    resource_group  TEXT COLLATE NOCASE,
    user_name       TEXT,
    location        TEXT,
    tags            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
    cost            TEXT,
    cost_currency   TEXT CHECK (cost_currency IS NULL OR length(cost_currency) = 3),
    page_id         INTEGER REFERENCES raw_pages (page_id),
    CHECK (usage_end >= usage_start),
    CHECK ((cost IS NULL) = (cost_currency IS NULL)),
    UNIQUE (source, account_id, resource_id, meter_id, usage_start, usage_end)
);
CREATE INDEX usage_by_scope ON usage (source, account_id, meter_id, usage_start);
CREATE INDEX usage_by_start ON usage (usage_start);

-- Rates, effective-dated, one row per tier: `tier_min` is the band's lower threshold (exact
-- decimal), `unit_price` its price per unit. The card in force for a usage date is the latest
-- `effective_date` on or before it. Every pull stays in raw_pages; a re-pull of the same card
-- replaces its rows.
CREATE TABLE rates (
    source            TEXT NOT NULL,
    meter_id          TEXT NOT NULL COLLATE NOCASE,
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    effective_date    TEXT NOT NULL,
    tier_min          TEXT NOT NULL,
    unit_price        TEXT NOT NULL,
    included_quantity TEXT NOT NULL DEFAULT '0',
    tier_mode         TEXT NOT NULL DEFAULT 'graduated' CHECK (tier_mode IN ('graduated', 'volume')),
    page_id           INTEGER REFERENCES raw_pages (page_id),
    PRIMARY KEY (source, meter_id, currency, effective_date, tier_min)
) WITHOUT ROWID;

-- Offer terms from a rate card (e.g. an overage discount), applied after tiering to every meter
-- not listed in `excluded_meter_ids` (a JSON array).
CREATE TABLE offer_terms (
    source             TEXT NOT NULL,
    name               TEXT NOT NULL,
    currency           TEXT NOT NULL,
    effective_date     TEXT NOT NULL,
    discount           TEXT NOT NULL,
    excluded_meter_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(excluded_meter_ids)),
    page_id            INTEGER REFERENCES raw_pages (page_id),
    PRIMARY KEY (source, name, currency, effective_date)
) WITHOUT ROWID;

-- Storage of ArcGIS Online items, one row per item and day: a level, never summed over days.
-- Feature bytes are billed at the feature rate, attachment and file bytes at the file rate.
CREATE TABLE storage_snapshots (
    source           TEXT NOT NULL,
    item_id          TEXT NOT NULL,
    snapshot_date    TEXT NOT NULL,
    owner            TEXT NOT NULL,
    item_type        TEXT,
    title            TEXT,
    storage_class    TEXT NOT NULL CHECK (storage_class IN ('feature', 'file', 'tile', 'none')),
    size_bytes       INTEGER NOT NULL CHECK (size_bytes >= 0),
    feature_bytes    INTEGER NOT NULL DEFAULT 0 CHECK (feature_bytes >= 0),
    attachment_bytes INTEGER NOT NULL DEFAULT 0 CHECK (attachment_bytes >= 0),
    page_id          INTEGER REFERENCES raw_pages (page_id),
    PRIMARY KEY (source, item_id, snapshot_date)
) WITHOUT ROWID;

-- Each user's credit budget on a day. Both NULL when the org has credit budgeting off.
CREATE TABLE credit_budgets (
    source            TEXT NOT NULL,
    user_name         TEXT NOT NULL,
    snapshot_date     TEXT NOT NULL,
    assigned_credits  TEXT,
    available_credits TEXT,
    page_id           INTEGER REFERENCES raw_pages (page_id),
    PRIMARY KEY (source, user_name, snapshot_date)
) WITHOUT ROWID;

-- The org's remaining credits on a day (portals/self availableCredits).
CREATE TABLE org_credits (
    source            TEXT NOT NULL,
    org_id            TEXT NOT NULL,
    snapshot_date     TEXT NOT NULL,
    available_credits TEXT NOT NULL,
    budgeting_enabled INTEGER NOT NULL CHECK (budgeting_enabled IN (0, 1)),
    page_id           INTEGER REFERENCES raw_pages (page_id),
    PRIMARY KEY (source, org_id, snapshot_date)
) WITHOUT ROWID;

-- One pricing scope: (source, account, meter, billing period). Tiers and included quantity apply
-- to its total; `bands` is the band-by-band breakdown as a JSON array, in band order, every number
-- an exact decimal string, unrounded; an included quantity is a first band at unit_price "0";
-- `to` is null for the open-ended last band:
-- [{"from":"0","to":"200","quantity":"200","unit_price":"1","amount":"200"},
--  {"from":"200","to":null,"quantity":"50","unit_price":"0.9","amount":"45"}]
-- `discount` is the offer-term amount taken off the bands' sum (exact decimal, "0" when none), and
-- `cost_micros` the scope's cost after it, rounded to micro-units; NULL = unpriced.
CREATE TABLE charge_scopes (
    source         TEXT NOT NULL,
    account_id     TEXT NOT NULL COLLATE NOCASE,
    meter_id       TEXT NOT NULL COLLATE NOCASE,
    period         TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    total_quantity TEXT NOT NULL,
    currency       TEXT,
    cost_micros    INTEGER,
    bands          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(bands)),
    discount       TEXT NOT NULL DEFAULT '0',
    priced_at      TEXT NOT NULL,
    CHECK ((cost_micros IS NULL) = (currency IS NULL)),
    PRIMARY KEY (source, account_id, meter_id, period)
) WITHOUT ROWID;

-- Priced charges: one row per usage row, its share of its scope's cost (pro rata to quantity,
-- largest-remainder rounding, so the rows of a scope add up to the scope's cost exactly), and
-- the cost center the rules gave it. `amount_micros` NULL = unpriced (never silently zero).
-- `cost_center` is that cost center as the rule or tag spelled it for this row (its key is the
-- lower-cased form); cost_centers.display_name is the most common spelling over all charges.
CREATE TABLE charges (
    usage_id        INTEGER PRIMARY KEY REFERENCES usage (usage_id) ON DELETE CASCADE,
    period          TEXT NOT NULL,
    cost_center_key TEXT NOT NULL REFERENCES cost_centers (cost_center_key),
    amount_micros   INTEGER,
    currency        TEXT,
    cost_center     TEXT,
    CHECK ((amount_micros IS NULL) = (currency IS NULL))
);
CREATE INDEX charges_by_period ON charges (period, cost_center_key);
-- What `warehouse invoice` reads, in usage order: a month's charges without touching the charges
-- table, and its usage rows in the order they are stored (one pass, no random reads).
CREATE INDEX charges_for_invoice ON charges (period, usage_id, currency, cost_center_key, amount_micros);

-- What `warehouse invoice` reads instead of joining a month's charges to its usage: the charges of
-- each pricing scope (source, account, meter, period) summed per invoice dimension. One row per
-- distinct (period, source, account_id, meter_id, unit, currency, cost_center_key, user_name,
-- customer_id, subscription_id, resource_group) of the scope's usage rows and charges, spelled as
-- the usage rows spell them (`customer_id` and `subscription_id` are usage's own columns: the
-- invoice resolves them through `subscriptions` when it reads). `quantity` is the exact decimal
-- sum of the rows' quantities, `amount_micros` the exact sum of their charges (NULL = unpriced),
-- `records` how many usage rows. The Repricer rewrites a scope's rows in the transaction that
-- writes its charges, touching only rows that differ, and drops the rows of scopes whose usage
-- is gone. Because the key columns may be NULL (SQLite treats NULLs as distinct in UNIQUE), the
-- natural key is kept by that writer rather than by a constraint.
CREATE TABLE invoice_rollup (
    period          TEXT NOT NULL,
    source          TEXT NOT NULL,
    account_id      TEXT NOT NULL COLLATE NOCASE,
    meter_id        TEXT NOT NULL COLLATE NOCASE,
    unit            TEXT,
    currency        TEXT,
    cost_center_key TEXT NOT NULL,
    user_name       TEXT,
    customer_id     TEXT COLLATE NOCASE,
    subscription_id TEXT COLLATE NOCASE,
    resource_group  TEXT COLLATE NOCASE,
    quantity        TEXT NOT NULL,
    amount_micros   INTEGER,
    records         INTEGER NOT NULL CHECK (records > 0),
    CHECK ((amount_micros IS NULL) = (currency IS NULL))
);
CREATE INDEX invoice_rollup_by_scope ON invoice_rollup (period, source, account_id, meter_id);

------------------------------------------------------------------------------------------------
-- Views for people
------------------------------------------------------------------------------------------------

-- Every priced (or unpriced) usage row with everything an invoice groups by.
CREATE VIEW invoice_lines AS
SELECT
    c.period                                   AS period,
    u.source                                   AS source,
    COALESCE(cc.display_name, c.cost_center_key) AS cost_center,
    u.user_name                                AS user_name,
    COALESCE(u.customer_id, s.customer_id)     AS customer_id,
    COALESCE(u.subscription_id, u.account_id)  AS subscription_id,
    u.resource_group                           AS resource_group,
    u.resource_id                              AS resource_id,
    u.meter_id                                 AS meter_id,
    COALESCE(m.name, u.meter_id)               AS meter_name,
    u.quantity                                 AS quantity,
    COALESCE(u.unit, m.unit)                   AS unit,
    c.amount_micros                            AS amount_micros,
    c.currency                                 AS currency,
    (c.amount_micros IS NOT NULL)              AS priced,
    u.usage_start                              AS usage_start,
    u.usage_end                                AS usage_end,
    u.usage_id                                 AS usage_id
FROM charges c
JOIN usage u ON u.usage_id = c.usage_id
LEFT JOIN cost_centers cc ON cc.cost_center_key = c.cost_center_key
LEFT JOIN meters m ON m.source = u.source AND m.meter_id = u.meter_id
LEFT JOIN subscriptions s ON s.source = u.source AND s.subscription_id = COALESCE(u.subscription_id, u.account_id);

-- Usage per day, meter and account, with quantities added up (approximately, as REAL).
CREATE VIEW usage_daily AS
SELECT
    u.source                        AS source,
    u.account_id                    AS account_id,
    substr(u.usage_start, 1, 10)    AS day,
    u.meter_id                      AS meter_id,
    COALESCE(m.name, u.meter_id)    AS meter_name,
    COALESCE(u.unit, m.unit)        AS unit,
    count(*)                        AS records,
    sum(CAST(u.quantity AS REAL))   AS quantity
FROM usage u
LEFT JOIN meters m ON m.source = u.source AND m.meter_id = u.meter_id
GROUP BY u.source, u.account_id, day, u.meter_id;

-- ArcGIS Online credits per user and month, by service type.
CREATE VIEW credits_by_user_month AS
SELECT
    u.source                        AS source,
    u.user_name                     AS user_name,
    substr(u.usage_start, 1, 7)     AS month,
    u.meter_id                      AS service_type,
    sum(CAST(u.quantity AS REAL))   AS credits
FROM usage u
WHERE u.unit = 'credits' AND u.user_name IS NOT NULL
GROUP BY u.source, u.user_name, month, u.meter_id;

-- Cost per cost center and month, per currency, in currency units (exact sums of micro-units).
CREATE VIEW cost_by_cost_center_month AS
SELECT
    c.period                                        AS period,
    COALESCE(cc.display_name, c.cost_center_key)    AS cost_center,
    c.currency                                      AS currency,
    sum(c.amount_micros)                            AS amount_micros,
    (CASE WHEN sum(c.amount_micros) < 0 THEN '-' ELSE '' END)
        || printf('%d.%06d', abs(sum(c.amount_micros)) / 1000000, abs(sum(c.amount_micros)) % 1000000) AS amount
FROM charges c
LEFT JOIN cost_centers cc ON cc.cost_center_key = c.cost_center_key
WHERE c.amount_micros IS NOT NULL
GROUP BY c.period, c.cost_center_key, c.currency;

-- Usage that no rate card prices: quantities and meter ids, to chase before an invoice goes out.
CREATE VIEW unpriced_usage AS
SELECT
    c.period                        AS period,
    u.source                        AS source,
    u.account_id                    AS account_id,
    u.meter_id                      AS meter_id,
    COALESCE(m.name, u.meter_id)    AS meter_name,
    count(*)                        AS records,
    sum(CAST(u.quantity AS REAL))   AS quantity
FROM charges c
JOIN usage u ON u.usage_id = c.usage_id
LEFT JOIN meters m ON m.source = u.source AND m.meter_id = u.meter_id
WHERE c.amount_micros IS NULL
GROUP BY c.period, u.source, u.account_id, u.meter_id;

-- Each user's latest credit budget, with the share left.
CREATE VIEW latest_credit_budgets AS
SELECT
    b.source, b.user_name, b.snapshot_date, b.assigned_credits, b.available_credits,
    CASE WHEN CAST(b.assigned_credits AS REAL) > 0
         THEN round(100.0 * CAST(b.available_credits AS REAL) / CAST(b.assigned_credits AS REAL), 1)
    END AS percent_left
FROM credit_budgets b
WHERE b.snapshot_date = (
    SELECT max(b2.snapshot_date) FROM credit_budgets b2
    WHERE b2.source = b.source AND b2.user_name = b.user_name);

-- The last run of each command, for a quick look at the warehouse's health.
CREATE VIEW last_runs AS
SELECT r.* FROM etl_runs r
WHERE r.run_id = (SELECT max(r2.run_id) FROM etl_runs r2 WHERE r2.command = r.command);

------------------------------------------------------------------------------------------------
-- Schema version 5: compact facts (Sources/Load/Migrations+Version5.swift, issue 15)
------------------------------------------------------------------------------------------------
-- This file is version 1; later versions are migrations applied in order. Version 5 stores usage
-- and charges as a star schema and keeps `usage` and `charges` above as VIEWS with the same
-- columns and meaning, so the views for people and ad-hoc SQL read as before (inserts, updates
-- and deletes through the two views reach the new tables by INSTEAD OF triggers).
--
--   account_keys (account_key, source, account_id, spelling)      one row per (source, account id)
--   resource_keys (resource_key, source, resource_id, spelling)   ... per resource id
--   meter_keys (meter_key, source, meter_id, spelling)            ... per meter id
--       Each id canonicalized once: ASCII lower case (what COLLATE NOCASE folded), UNIQUE per
--       source; `spelling` is the id as first seen, for display (COLLATE NOCASE, as before).
--   usage_details (detail_key, unit, customer_id, subscription_id, resource_group, user_name,
--                  location, tags)
--       What a usage row says beyond its key, one row per distinct combination.
--   usage_facts (usage_id, account_key, meter_key, usage_start, resource_key, usage_end,
--                reported_start, reported_end, detail_key, quantity, cost, cost_currency, page_id)
--       One row per usage row (same usage_id as before). Times are integer seconds since
--       1970-01-01T00:00:00Z (UTC); the reported window is 0, 0 for usage buckets. `quantity` and
--       `cost` are exact decimal text. UNIQUE (account_key, meter_key, usage_start, resource_key,
--       usage_end, reported_start, reported_end) is the natural key and, led by (account, meter,
--       start), the pricing scope's order; `usage_facts_by_window` finds a reported window's rows.
--   cost_center_names (name_key, cost_center_key, spelling)
--       Each spelling of a cost center the rules or tags gave (its key is cost_centers').
--   charge_facts (usage_id, period, name_key, amount_micros, currency)
--       A usage row's share of its scope's cost, as `charges` describes; deleted with its usage.
--   charge_totals (period, records, priced, amount_micros)
--       Each period's charges counted and summed by triggers on charge_facts: what the invoice
--       checks `invoice_rollup` against.
--
-- Tracing an invoice line to its usage rows: `invoice_rollup` (period, source, account, meter and
-- the invoice's dimensions) → `invoice_lines` WHERE period, source, account_id, meter_id and those
-- dimensions match → usage_id → `usage_facts`, whose `page_id` names the raw page it came from.

------------------------------------------------------------------------------------------------
-- Schema version 7: what a cost export says of a charge (Sources/Load/Migrations+Version7.swift,
-- issue 21)
------------------------------------------------------------------------------------------------
-- The Cost Management columns Microsoft's FOCUS conversion reads ("Convert Cost Management data
-- to FOCUS", https://learn.microsoft.com/cloud-computing/finops/focus/convert), kept for rows of
-- an imported Azure cost export:
--
--   charge_kinds (charge_key, charge_type, pricing_model, benefit_id)
--       ChargeType, PricingModel and BenefitId ('' when not stated), UNIQUE. Key 0 is plain
--       usage ('Usage', 'OnDemand', ''): usage the warehouse priced, every row before version 7,
--       and an export's on-demand usage without a commitment.
--   charge_terms (terms_key, agreement, billing_account_id, billing_account_name,
--                 subscription_name, invoice_id, partner_name, publisher_name, frequency,
--                 consumed_service, product_name, product_id, unit_price, payg_price,
--                 exchange_rate, pricing_currency, benefit_name, additional_info)
--       The rest, one row per distinct combination. `agreement` is 'EA' or 'MCA' (MCA's
--       BillingProfileId/Name are kept as the billing account); prices exact decimal text.
--   usage_facts gains charge_key (NOT NULL DEFAULT 0, REFERENCES charge_kinds) and terms_key
--       (NULL for usage the warehouse prices, REFERENCES charge_terms). The natural key is now
--       UNIQUE (account_key, meter_key, usage_start, resource_key, usage_end, reported_start,
--       reported_end, charge_key): a reservation Purchase and the Usage of the same resource, meter
--       and day are two rows. The table was copied with the same usage_ids and charges.
