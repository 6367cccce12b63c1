import Foundation

extension Migrations {
    /// `usage` and `charges` as views with their version-4 columns, then the views for people on
    /// them, the text `schema.sql` defines them with (same columns, same meaning). Times come back as the
    /// UTC ISO-8601 text they were loaded as; ids in the spelling first seen, compared ignoring case.
    static let version5Views = """
        CREATE VIEW usage AS
        SELECT
            f.usage_id                                                     AS usage_id,
            a.source                                                       AS source,
            a.spelling                                                     AS account_id,
            r.spelling                                                     AS resource_id,
            m.spelling                                                     AS meter_id,
            strftime('%Y-%m-%dT%H:%M:%SZ', f.usage_start, 'unixepoch')     AS usage_start,
            strftime('%Y-%m-%dT%H:%M:%SZ', f.usage_end, 'unixepoch')       AS usage_end,
            f.quantity                                                     AS quantity,
            d.unit                                                         AS unit,
            d.customer_id COLLATE NOCASE                                   AS customer_id,
            d.subscription_id COLLATE NOCASE                               AS subscription_id,
            d.resource_group COLLATE NOCASE                                AS resource_group,
            d.user_name                                                    AS user_name,
            d.location                                                     AS location,
            d.tags                                                         AS tags,
            f.cost                                                         AS cost,
            f.cost_currency                                                AS cost_currency,
            f.page_id                                                      AS page_id,
            CASE f.reported_end WHEN 0 THEN '' ELSE strftime('%Y-%m-%dT%H:%M:%SZ', f.reported_start, 'unixepoch') END AS reported_start,
            CASE f.reported_end WHEN 0 THEN '' ELSE strftime('%Y-%m-%dT%H:%M:%SZ', f.reported_end, 'unixepoch') END AS reported_end
        FROM usage_facts f
        JOIN account_keys a ON a.account_key = f.account_key
        JOIN resource_keys r ON r.resource_key = f.resource_key
        JOIN meter_keys m ON m.meter_key = f.meter_key
        JOIN usage_details d ON d.detail_key = f.detail_key;

        CREATE VIEW charges AS
        SELECT c.usage_id AS usage_id, c.period AS period, n.cost_center_key AS cost_center_key, c.amount_micros AS amount_micros,
               c.currency AS currency, n.spelling AS cost_center
        FROM charge_facts c JOIN cost_center_names n ON n.name_key = c.name_key;

        \(peopleViews)
        """

    /// The views for people exactly as `schema.sql` (version 1) defines them, from
    /// `invoice_lines` to `unpriced_usage`: they read `usage` and `charges`, now views themselves.
    static var peopleViews: String {
        let schema = Migrations.schemaSQL
        guard let start = schema.range(of: "CREATE VIEW invoice_lines AS"),
              let end = schema.range(of: "CREATE VIEW latest_credit_budgets AS", range: start.upperBound..<schema.endIndex)
        else { preconditionFailure("schema.sql lost its views for people") }
        // Up to the comment that introduces latest_credit_budgets.
        let text = schema[start.lowerBound..<end.lowerBound]
        return String(text[..<(text.range(of: "\n--", options: .backwards)?.lowerBound ?? text.endIndex)])
    }

    /// The `usage_details` row holding NEW's details (NULLs compared as equal).
    private static let newDetail = """
        d.unit IS NEW.unit AND d.customer_id IS NEW.customer_id AND d.subscription_id IS NEW.subscription_id
        AND d.resource_group IS NEW.resource_group AND d.user_name IS NEW.user_name AND d.location IS NEW.location
        AND d.tags = COALESCE(NEW.tags, '{}')
        """

    private static let addNewDetail = """
        INSERT INTO usage_details (unit, customer_id, subscription_id, resource_group, user_name, location, tags)
        SELECT NEW.unit, NEW.customer_id, NEW.subscription_id, NEW.resource_group, NEW.user_name, NEW.location, COALESCE(NEW.tags, '{}')
        WHERE NOT EXISTS (SELECT 1 FROM usage_details d WHERE \(newDetail));
        """

    private static let addNewName = """
        INSERT INTO cost_center_names (cost_center_key, spelling)
        SELECT NEW.cost_center_key, NEW.cost_center
        WHERE NOT EXISTS (SELECT 1 FROM cost_center_names WHERE cost_center_key = NEW.cost_center_key AND spelling IS NEW.cost_center);
        """

    private static let newName = """
        (SELECT name_key FROM cost_center_names WHERE cost_center_key = NEW.cost_center_key AND spelling IS NEW.cost_center)
        """

    /// Writes through the `usage` and `charges` views (test fixtures, hand repairs with
    /// `warehouse sql --write`); the loader and the repricer write the fact tables directly.
    static let compatibilityTriggers = """
        CREATE TRIGGER usage_insert INSTEAD OF INSERT ON usage
        BEGIN
            INSERT INTO account_keys (source, account_id, spelling) VALUES (NEW.source, lower(NEW.account_id), NEW.account_id)
                ON CONFLICT DO NOTHING;
            INSERT INTO resource_keys (source, resource_id, spelling) VALUES (NEW.source, lower(NEW.resource_id), NEW.resource_id)
                ON CONFLICT DO NOTHING;
            INSERT INTO meter_keys (source, meter_id, spelling) VALUES (NEW.source, lower(NEW.meter_id), NEW.meter_id)
                ON CONFLICT DO NOTHING;
            \(addNewDetail)
            INSERT INTO usage_facts (usage_id, account_key, meter_key, usage_start, resource_key, usage_end, reported_start,
                                     reported_end, detail_key, quantity, cost, cost_currency, page_id)
            VALUES (
                NEW.usage_id,
                (SELECT account_key FROM account_keys WHERE source = NEW.source AND account_id = lower(NEW.account_id)),
                (SELECT meter_key FROM meter_keys WHERE source = NEW.source AND meter_id = lower(NEW.meter_id)),
                unixepoch(NEW.usage_start),
                (SELECT resource_key FROM resource_keys WHERE source = NEW.source AND resource_id = lower(NEW.resource_id)),
                unixepoch(NEW.usage_end),
                COALESCE(unixepoch(NULLIF(NEW.reported_start, '')), 0),
                COALESCE(unixepoch(NULLIF(NEW.reported_end, '')), 0),
                (SELECT detail_key FROM usage_details d WHERE \(newDetail) LIMIT 1),
                NEW.quantity, NEW.cost, NEW.cost_currency, NEW.page_id);
        END;

        CREATE TRIGGER usage_update INSTEAD OF UPDATE ON usage
        BEGIN
            SELECT RAISE(ABORT, 'usage: a row''s key (source, account, resource, meter, times, reported window) cannot be updated; delete the row and insert it')
            WHERE NEW.usage_id IS NOT OLD.usage_id OR NEW.source IS NOT OLD.source OR lower(NEW.account_id) IS NOT lower(OLD.account_id)
               OR lower(NEW.resource_id) IS NOT lower(OLD.resource_id) OR lower(NEW.meter_id) IS NOT lower(OLD.meter_id)
               OR NEW.usage_start IS NOT OLD.usage_start OR NEW.usage_end IS NOT OLD.usage_end
               OR NEW.reported_start IS NOT OLD.reported_start OR NEW.reported_end IS NOT OLD.reported_end;
            \(addNewDetail)
            UPDATE usage_facts SET quantity = NEW.quantity, cost = NEW.cost, cost_currency = NEW.cost_currency, page_id = NEW.page_id,
                detail_key = (SELECT detail_key FROM usage_details d WHERE \(newDetail) LIMIT 1)
            WHERE usage_id = OLD.usage_id;
        END;

        CREATE TRIGGER usage_delete INSTEAD OF DELETE ON usage
        BEGIN
            DELETE FROM usage_facts WHERE usage_id = OLD.usage_id;
        END;

        CREATE TRIGGER charges_insert INSTEAD OF INSERT ON charges
        BEGIN
            \(addNewName)
            INSERT INTO charge_facts (usage_id, period, name_key, amount_micros, currency)
            VALUES (NEW.usage_id, NEW.period, \(newName), NEW.amount_micros, NEW.currency);
        END;

        CREATE TRIGGER charges_update INSTEAD OF UPDATE ON charges
        BEGIN
            \(addNewName)
            UPDATE charge_facts SET usage_id = NEW.usage_id, period = NEW.period, name_key = \(newName),
                amount_micros = NEW.amount_micros, currency = NEW.currency
            WHERE usage_id = OLD.usage_id;
        END;

        CREATE TRIGGER charges_delete INSTEAD OF DELETE ON charges
        BEGIN
            DELETE FROM charge_facts WHERE usage_id = OLD.usage_id;
        END;

        """
}
