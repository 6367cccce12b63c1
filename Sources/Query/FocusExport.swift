import Foundation
import Load
import WarehouseCore

/// The priced charges of a period as a FOCUS CSV (FinOps Open Cost and Usage Specification,
/// https://focus.finops.org), one row per charge, in FOCUS 1.2 (the default) or 1.0.
///
/// Azure rows go through `FocusMapping.azure`, Microsoft's documented conversion of Cost
/// Management columns with the FinOps toolkit's open data; ArcGIS Online credits through
/// `FocusMapping.arcGIS`. The export reads the `invoice_lines` view, the dimension tables
/// (`meters`, `resources`, `subscriptions`, `customers`, `users`) and, for rows of a cost export,
/// the charge's kind and terms that `usage_facts` points at (schema version 7).
///
/// Conventions: times UTC `YYYY-MM-DDTHH:mm:ssZ`; costs exact (micro-units of the warehouse's
/// charges); decimals always with a decimal point. Usage the warehouse priced: BilledCost =
/// EffectiveCost = ContractedCost = ListCost, the rate card's price after tiers and offer terms,
/// and a negative quantity has ChargeClass `Correction`. A cost export's row: the document's EA
/// or MCA columns (`costExportRow`), its cost the warehouse's charge, which is the cost the export
/// billed. Unpriced usage has no cost and is left out (counted).
public struct FocusExport {
    let db: any WarehouseReader

    public init(db: any WarehouseReader) { self.db = db }

    public struct Result: Sendable {
        public var text: String
        public var rows: Int
        public var unpricedRecords: Int
    }

    /// The FOCUS 1.0 columns, in order (kept for callers of the 1.0 export).
    public static var columns: [String] { FocusVersion.v1_0.columns }

    /// What `write` wrote: the rows, and the unpriced usage records left out.
    public struct Summary: Sendable, Equatable {
        public var rows: Int
        public var unpricedRecords: Int
    }

    /// The export whole, as text.
    public func csv(period: String, version: FocusVersion = .v1_2) throws -> Result {
        var text = ""
        let summary = try write(period: period, version: version) { text += $0 }
        return Result(text: text, rows: summary.rows, unpricedRecords: summary.unpricedRecords)
    }

    /// Writes the export to `sink` a line at a time as the rows are read (the header first), so
    /// memory stays flat however many charges the month holds: a server streams them through a
    /// cursor, SQLite steps through them.
    public func write(period: String, version: FocusVersion = .v1_2, to sink: (String) throws -> Void) throws -> Summary {
        guard let start = UTCTime.parseMonth(period) else { throw InvoiceBuilder.BadPeriod(period: period) }
        let billing = (start: start.iso8601, end: start.startOfNextMonth.iso8601)
        try sink(ResultTable.spreadsheetCSVLine(version.columns.map(SQLValue.text), header: true))
        var rows = 0
        // SQLite's planner, given the views' inner joins of small dimension tables, starts from
        // them and builds an automatic index on the usage facts for each combination: 574 s for
        // a month of 83,333 charges in a warehouse of a million (scripts/bench-invoice.sh's),
        // against 0.5 s reading the month's charges first, which it does without automatic
        // indexes (https://sqlite.org/optoverview.html#automatic_indexes). Off for this query only.
        if db.dialect == .sqlite { try db.query("PRAGMA automatic_index = OFF", []) { _ in } }
        defer { if db.dialect == .sqlite { try? db.query("PRAGMA automatic_index = ON", []) { _ in } } }
        try db.query("""
            SELECT l.amount_micros, l.currency, l.customer_id, cu.company_name, l.subscription_id, s.offer_name,
                   l.usage_start, l.usage_end, l.meter_id, l.meter_name, m.category, m.subcategory, m.region,
                   l.quantity, l.unit, l.resource_id, r.name, r.location, r.provider_type, COALESCE(r.tags, us.tags),
                   l.resource_group, l.cost_center, l.source, l.usage_id, l.user_name,
                   \(Self.chargeColumns)
            FROM invoice_lines l
            LEFT JOIN customers cu ON cu.source = l.source AND cu.customer_id = l.customer_id
            LEFT JOIN subscriptions s ON s.source = l.source AND s.subscription_id = l.subscription_id
            LEFT JOIN meters m ON m.source = l.source AND m.meter_id = l.meter_id
            LEFT JOIN resources r ON r.source = l.source AND r.resource_id = l.resource_id AND l.resource_id <> ''
            LEFT JOIN users us ON us.source = l.source AND us.user_name = l.user_name
            LEFT JOIN usage_facts f ON f.usage_id = l.usage_id
            LEFT JOIN charge_kinds k ON k.charge_key = f.charge_key
            LEFT JOIN charge_terms t ON t.terms_key = f.terms_key
            WHERE l.period = ?1 AND l.amount_micros IS NOT NULL
            ORDER BY l.usage_id
            """, period) { row in
            var focus = try Self.focusRow(row)
            focus["BillingPeriodStart"] = billing.start
            focus["BillingPeriodEnd"] = billing.end
            focus["ChargePeriodStart"] = Self.time(row.string(6))
            focus["ChargePeriodEnd"] = Self.time(row.string(7))
            focus["Tags"] = Self.tags(row.optionalString(19) ?? "{}")
            focus["x_CostCenter"] = row.optionalString(21)
            focus["x_Source"] = row.string(22)
            focus["x_UsageId"] = String(row.int64(23))
            try sink(ResultTable.spreadsheetCSVLine(Self.values(focus, version: version)))
            rows += 1
        }
        // Every charge is an `invoice_lines` row (its usage row and cost-center name are foreign
        // keys), so the month's unpriced lines are counted on `charge_facts` alone: through the
        // view, SQLite joined the dimensions first and took a minute on a million-row warehouse.
        let unpriced = try db.value(
            "SELECT count(*) FROM charge_facts WHERE period = ?1 AND amount_micros IS NULL", period)?.int64 ?? 0
        return Summary(rows: rows, unpricedRecords: Int(unpriced))
    }

    /// The mapping's input from one row of the query above: ArcGIS credits, or an Azure row with
    /// the Cost Management columns the warehouse keeps.
    static func focusRow(_ row: Row) throws -> FocusRow {
        let quantity = try Self.quantity(row.string(13), meterID: row.string(8))
        let cost = Self.money(row.int64(0))
        func text(_ index: Int) -> String? { row.optionalString(index).flatMap { $0.isEmpty ? nil : $0 } }
        if text(chargeColumnsStart + 3) != nil { return costExportRow(row, quantity: quantity, cost: cost) }
        if text(14) == "credits" || text(24) != nil {
            return FocusMapping.arcGIS(
                FocusMapping.CreditCharge(
                    meterID: row.string(8), meterName: text(9), credits: quantity, cost: cost, currency: row.string(1),
                    orgID: text(4) ?? "", userName: text(24), itemID: text(15), itemName: text(16), itemType: text(18)))
        }
        var columns: [String: String?] = [
            "ChargeType": "Usage", "PricingModel": "OnDemand", "Frequency": "UsageBased", "Quantity": quantity,
            "UnitOfMeasure": text(14), "CostInBillingCurrency": cost, "BillingCurrency": row.string(1),
            "BillingAccountId": text(2) ?? text(4), "BillingAccountName": text(3), "SubscriptionId": text(4),
            "SubscriptionName": text(5), "MeterId": row.string(8), "MeterName": text(9), "ProductName": text(9),
            "MeterCategory": text(10), "MeterSubCategory": text(11), "ResourceLocation": text(17) ?? text(12),
            "ResourceId": text(15), "ResourceName": text(16), "ResourceGroup": text(20),
        ]
        if text(15) == nil { columns["ResourceName"] = nil }
        let type = text(2) == nil ? "Billing Account" : "Customer"
        return FocusMapping.azure(FocusMapping.CostRow(columns.compactMapValues { $0 }), origin: .pricedByWarehouse(billingAccountType: type))
    }

    /// The row's values in the version's columns; decimals with a decimal point.
    static func values(_ focus: FocusRow, version: FocusVersion) -> [SQLValue] {
        var focus = focus
        if version == .v1_0 {
            for (alias, column) in FocusVersion.previewAliases { focus[alias] = focus[column] }
        }
        return version.columns.map { column in
            guard let value = focus[column], !value.isEmpty else { return .null }
            if FocusVersion.decimalColumns.contains(column), !value.contains(".") { return .text(value + ".0") }
            return .text(value)
        }
    }

    /// Micro-units as an exact decimal with six places: `-0.400000`.
    static func money(_ micros: Int64) -> String {
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (micros < 0 ? "-" : "") + String(magnitude / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// An exact quantity in its canonical text.
    static func quantity(_ text: String, meterID: String) throws -> String {
        guard let value = ExactDecimal.parse(text) else { throw InvoiceBuilder.BadQuantity(text: text, meterID: meterID) }
        return ExactDecimal.format(value)
    }

    /// Warehouse time text normalized to `YYYY-MM-DDTHH:mm:ssZ`.
    static func time(_ text: String) -> String { UTCTime.parse(text)?.iso8601 ?? text }

    /// FOCUS Tags: a JSON object of finalized tags. Resource tags are an object already; an
    /// ArcGIS user's `key:value` strings become an object, a valueless tag `true`.
    static func tags(_ text: String) -> String {
        guard let data = text.data(using: .utf8), let parsed = try? JSONSerialization.jsonObject(with: data) else { return "{}" }
        if parsed is [String: Any] { return text.isEmpty ? "{}" : text }
        guard let array = parsed as? [Any] else { return "{}" }
        var pairs: [(String, JSONValue)] = []
        for case let tag as String in array {
            if let colon = tag.firstIndex(of: ":") {
                pairs.append((String(tag[..<colon]), .string(String(tag[tag.index(after: colon)...]))))
            } else {
                pairs.append((tag, .bool(true)))
            }
        }
        return JSONValue.members(pairs).serialized
    }
}
