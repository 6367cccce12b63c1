import Foundation
import Load

/// A small but realistic priced warehouse, written with SQL exactly as the importers and the
/// Repricer write it: two currencies in one period (an Azure CSP source in USD, ArcGIS Online
/// credits priced in EUR), a tiered meter with its bands, an unpriced meter, AGOL credits with
/// users, "Unassigned" rows, a negative correction row, quantities in exponent notation and with
/// more decimals than SQL can add exactly, storage snapshots, budgets, org credits and provenance.
///
/// Figures worked by hand (2026-10):
/// - USD, contoso-csp, VM meter (0.1/hour, sub-1): 10 h + 12.5 h Planning, 7.5 h Operations = 3.00.
/// - USD, LRS storage (0-100 GB at 0.05, over 100 at 0.04), scope sub-1 = 80 - 10 + 60 = 130 GB
///   = 5.00 + 1.20 = 6.20, shared pro rata with largest remainders: Planning 80 GB 3.815385,
///   Operations 60 GB 2.861539, Operations correction -10 GB -0.476924.
/// - USD, LRS storage scope sub-2 (Northwind) 50 GB = 2.50, Unassigned.
/// - Unpriced: meter "mystery" 2 + 3 units on sub-2, Unassigned.
/// - EUR, agol (0.1 EUR a credit): geocoding alice 40 + "1.5E1" = 55 credits = 5.50 (Planning);
///   spatial analysis bob 12.345 credits = 1.2345 (Operations); feature storage carol
///   3.3333333333333 credits = 0.333333 (Unassigned).
/// - 2026-09: VM 20 h Planning = 2.00 USD.
struct FixtureWarehouse {
    static let vm = "0f9a3a4e-0000-4000-8000-00000000000a"
    static let lrs = "0f9a3a4e-0000-4000-8000-00000000000b"
    static let mystery = "0f9a3a4e-0000-4000-8000-00000000000c"

    static func build(_ db: Database) throws {
        try db.transaction {
            try db.execute("""
                INSERT INTO etl_runs (run_id, command, started_at, finished_at, status) VALUES
                  (1, 'import', '2026-11-01T01:59:00Z', '2026-11-01T02:01:00Z', 'ok');
                INSERT INTO raw_pages (page_id, run_id, source, stream, kind, request, fetched_at, content_sha256, byte_count, body) VALUES
                  (1, 1, 'contoso-csp', 'utilization', 'json', 'utilizations/azure', '2026-11-01T02:00:00Z', '\(String(repeating: "a", count: 64))', 2, x'7b7d'),
                  (2, 1, 'agol', 'usage', 'json', 'portals/x/usage', '2026-10-31T23:00:00Z', '\(String(repeating: "b", count: 64))', 2, x'7b7d');
                INSERT INTO checkpoints (source, stream, high_water, updated_at, run_id) VALUES
                  ('agol', 'usage', '2026-11-01T00:00:00Z', '2026-11-01T03:00:00Z', 1),
                  ('contoso-csp', 'utilization', '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z', 1);
                INSERT INTO customers (source, customer_id, company_name) VALUES
                  ('contoso-csp', 'cust-1', 'Fabrikam'), ('contoso-csp', 'cust-2', 'Northwind');
                INSERT INTO subscriptions (source, subscription_id, customer_id, offer_name, billing_type) VALUES
                  ('contoso-csp', 'sub-1', 'cust-1', 'Azure plan', 'usage'), ('contoso-csp', 'sub-2', 'cust-2', 'Azure plan', 'usage');
                INSERT INTO users (source, user_name, org_id, full_name, tags) VALUES
                  ('agol', 'alice', 'org1', 'Alice Martin', '["costCenter:Planning"]'),
                  ('agol', 'bob', 'org1', 'Bob Dupont', '["costCenter:Operations"]'),
                  ('agol', 'carol', 'org1', 'Carol King', '[]'),
                  ('agol', 'dave', 'org1', 'Dave Null', '[]');
                INSERT INTO meters (source, meter_id, name, category, unit) VALUES
                  ('contoso-csp', '\(vm)', 'D2 v3 VM', 'Virtual Machines', 'Hours'),
                  ('contoso-csp', '\(lrs)', 'LRS Data Stored', 'Storage', 'GB'),
                  ('contoso-csp', '\(mystery)', 'Mystery Meter', 'Other', 'Units'),
                  ('agol', 'geocode.svcusg', 'Geocoding', 'svcusg', 'credits'),
                  ('agol', 'spanalysis.svcusg', 'Spatial analysis', 'svcusg', 'credits'),
                  ('agol', 'features.stg', 'Feature storage', 'stg', 'credits');
                INSERT INTO cost_centers VALUES ('planning', 'Planning'), ('operations', 'Operations'), ('unassigned', 'Unassigned');
                """)
            // usage_id, source, account, resource, meter, start, quantity, unit, subscription, resource group, user, page
            let usage: [(Int, String, String, String, String, String, String, String?, String?, String?, String?)] = [
                (1, "contoso-csp", "sub-1", "/subscriptions/sub-1/resourceGroups/web/vm1", vm, "2026-10-01", "10", "Hours", "sub-1", "web", nil),
                (2, "contoso-csp", "sub-1", "/subscriptions/sub-1/resourceGroups/web/vm1", vm, "2026-10-02", "12.5", "Hours", "sub-1", "web", nil),
                (3, "contoso-csp", "sub-1", "/subscriptions/sub-1/resourceGroups/ops/vm2", vm, "2026-10-01", "7.5", nil, "sub-1", "ops", nil),
                (4, "contoso-csp", "sub-1", "/subscriptions/sub-1/resourceGroups/web/st1", lrs, "2026-10-01", "80", "GB", "sub-1", "web", nil),
                (5, "contoso-csp", "sub-1", "/subscriptions/sub-1/resourceGroups/ops/st2", lrs, "2026-10-01", "60", "GB", "sub-1", "ops", nil),
                (6, "contoso-csp", "sub-1", "/subscriptions/sub-1/resourceGroups/ops/st2", lrs, "2026-10-02", "-10", "GB", "sub-1", "ops", nil),
                (7, "contoso-csp", "sub-2", "/subscriptions/sub-2/resourceGroups/data/st3", lrs, "2026-10-01", "50", "GB", "sub-2", "data", nil),
                (8, "contoso-csp", "sub-2", "/subscriptions/sub-2/resourceGroups/data/x", mystery, "2026-10-01", "2", "Units", "sub-2", "data", nil),
                (9, "contoso-csp", "sub-2", "/subscriptions/sub-2/resourceGroups/data/x", mystery, "2026-10-02", "3", "Units", "sub-2", "data", nil),
                (10, "agol", "org1", "", "geocode.svcusg", "2026-10-01", "40", "credits", nil, nil, "alice"),
                (11, "agol", "org1", "", "geocode.svcusg", "2026-10-02", "1.5E1", "credits", nil, nil, "alice"),
                (12, "agol", "org1", "", "spanalysis.svcusg", "2026-10-01", "12.345", "credits", nil, nil, "bob"),
                (13, "agol", "org1", "item-carol", "features.stg", "2026-10-01", "3.3333333333333", "credits", nil, nil, "carol"),
                (14, "contoso-csp", "sub-1", "/subscriptions/sub-1/resourceGroups/web/vm1", vm, "2026-09-10", "20", "Hours", "sub-1", "web", nil),
            ]
            for row in usage {
                let start = row.5 + "T00:00:00Z"
                let end = String(row.5) + "T23:59:59Z"
                try db.run("""
                    INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit,
                                       subscription_id, resource_group, user_name, location, tags, page_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, row.0, row.1, row.2, row.3, row.4, start, end, row.6, row.7, row.8, row.9, row.10,
                    row.1 == "agol" ? nil : "westeurope", row.0 == 1 ? #"{"costCenter":"Planning","env":"prod"}"# : "{}",
                    row.1 == "agol" ? 2 : 1)
            }
            let bandsVM = #"[{"from":"0","to":null,"quantity":"30","unit_price":"0.1","amount":"3"}]"#
            let bandsLRS1 = #"[{"from":"0","to":"100","quantity":"100","unit_price":"0.05","amount":"5"},{"from":"100","to":null,"quantity":"30","unit_price":"0.04","amount":"1.2"}]"#
            let bandsLRS2 = #"[{"from":"0","to":"100","quantity":"50","unit_price":"0.05","amount":"2.5"}]"#
            try db.execute("""
                INSERT INTO charge_scopes (source, account_id, meter_id, period, total_quantity, currency, cost_micros, bands, priced_at) VALUES
                  ('contoso-csp', 'sub-1', '\(vm)', '2026-10', '30', 'USD', 3000000, '\(bandsVM)', '2026-11-01T04:00:00Z'),
                  ('contoso-csp', 'sub-1', '\(lrs)', '2026-10', '130', 'USD', 6200000, '\(bandsLRS1)', '2026-11-01T04:00:00Z'),
                  ('contoso-csp', 'sub-2', '\(lrs)', '2026-10', '50', 'USD', 2500000, '\(bandsLRS2)', '2026-11-01T04:00:00Z'),
                  ('contoso-csp', 'sub-2', '\(mystery)', '2026-10', '5', NULL, NULL, '[]', '2026-11-01T04:00:00Z'),
                  ('agol', 'org1', 'geocode.svcusg', '2026-10', '55', 'EUR', 5500000, '[{"from":"0","to":null,"quantity":"55","unit_price":"0.1","amount":"5.5"}]', '2026-11-01T04:00:00Z'),
                  ('agol', 'org1', 'spanalysis.svcusg', '2026-10', '12.345', 'EUR', 1234500, '[{"from":"0","to":null,"quantity":"12.345","unit_price":"0.1","amount":"1.2345"}]', '2026-11-01T04:00:00Z'),
                  ('agol', 'org1', 'features.stg', '2026-10', '3.3333333333333', 'EUR', 333333, '[{"from":"0","to":null,"quantity":"3.3333333333333","unit_price":"0.1","amount":"0.33333333333333"}]', '2026-11-01T04:00:00Z'),
                  ('contoso-csp', 'sub-1', '\(vm)', '2026-09', '20', 'USD', 2000000, '[{"from":"0","to":null,"quantity":"20","unit_price":"0.1","amount":"2"}]', '2026-10-01T04:00:00Z');
                INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) VALUES
                  (1, '2026-10', 'planning', 1000000, 'USD'), (2, '2026-10', 'planning', 1250000, 'USD'),
                  (3, '2026-10', 'operations', 750000, 'USD'),
                  (4, '2026-10', 'planning', 3815385, 'USD'), (5, '2026-10', 'operations', 2861539, 'USD'),
                  (6, '2026-10', 'operations', -476924, 'USD'), (7, '2026-10', 'unassigned', 2500000, 'USD'),
                  (8, '2026-10', 'unassigned', NULL, NULL), (9, '2026-10', 'unassigned', NULL, NULL),
                  (10, '2026-10', 'planning', 4000000, 'EUR'), (11, '2026-10', 'planning', 1500000, 'EUR'),
                  (12, '2026-10', 'operations', 1234500, 'EUR'), (13, '2026-10', 'unassigned', 333333, 'EUR'),
                  (14, '2026-09', 'planning', 2000000, 'USD');
                INSERT INTO storage_snapshots (source, item_id, snapshot_date, owner, item_type, title, storage_class, size_bytes, feature_bytes, attachment_bytes) VALUES
                  ('agol', 'item-a', '2026-10-01', 'alice', 'Feature Service', 'Parcels', 'feature', 1178599424, 104857600, 1073741824),
                  ('agol', 'item-a', '2026-10-02', 'alice', 'Feature Service', 'Parcels', 'feature', 1283457024, 209715200, 1073741824),
                  ('agol', 'item-b', '2026-10-01', 'bob', 'File Geodatabase', 'Archive', 'file', 2147483648, 0, 0),
                  ('agol', 'item-c', '2026-10-01', 'carol', 'Feature Service', 'Parcels view', 'none', 0, 0, 0),
                  ('agol', 'item-a', '2026-11-01', 'alice', 'Feature Service', 'Parcels', 'feature', 9999999999, 9999999999, 0);
                INSERT INTO credit_budgets (source, user_name, snapshot_date, assigned_credits, available_credits) VALUES
                  ('agol', 'alice', '2026-10-01', '100', '50'), ('agol', 'alice', '2026-10-20', '100', '5'),
                  ('agol', 'bob', '2026-10-20', '100', '30'), ('agol', 'carol', '2026-10-20', '200', '160.5'),
                  ('agol', 'dave', '2026-10-20', NULL, NULL), ('agol', 'alice', '2026-11-02', '100', '100');
                INSERT INTO org_credits (source, org_id, snapshot_date, available_credits, budgeting_enabled) VALUES
                  ('agol', 'org1', '2026-09-30', '5100', 1), ('agol', 'org1', '2026-10-01', '5000', 1),
                  ('agol', 'org1', '2026-10-15', '4800.5', 1), ('agol', 'org1', '2026-10-31', '4700', 1);
                """)
            // The charges above bypass the Repricer, so their invoice rollup is built as it would write it.
            try InvoiceRollup.rebuild(db, periods: ["2026-09", "2026-10"])
        }
    }
}

/// A fresh warehouse file in its own temporary directory, removed when the value goes away.
final class TemporaryWarehouse {
    let directory: URL
    let path: String
    let db: Database

    init(fixture: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-query-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appending(path: "w.db").path
        db = try Database.openWarehouse(path: path)
        if fixture { try FixtureWarehouse.build(db) }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
