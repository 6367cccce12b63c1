import Foundation
import Load
import WarehouseCore

/// The priced charges of a period as a FOCUS 1.0 CSV (FinOps Open Cost and Usage Specification,
/// https://focus.finops.org/focus-specification/v1-0/), one row per charge.
///
/// Every 1.0 column is present (mandatory, conditional and the recommended ChargeFrequency), with
/// the 1.0 names. The FinOps Foundation's `focus-validator` 1.0.0 still checks a few columns under
/// their 1.0-preview names (InvoiceIssuer, Provider, Publisher, ResourceID) and its SkuPriceId rule
/// reads the 0.5 `ChargeType`; those five are written too, at the end, with the same values, so the
/// file passes the validator and reads right in tools that follow the final 1.0 names. Columns of
/// our own are prefixed `x_`.
///
/// Conventions: times UTC `YYYY-MM-DDTHH:mm:ssZ`; costs are exact micro-units written with six
/// decimals; quantities exact, always with a decimal point (the validator reads a column of whole
/// numbers as integers, not decimals). BilledCost = EffectiveCost = ContractedCost = ListCost: the
/// warehouse knows one price, the rate card's, after tiers and offer terms. A charge with a negative
/// quantity has ChargeClass `Correction`. Unpriced usage has no cost and is left out (counted).
public struct FocusExport {
    let db: Database

    public init(db: Database) { self.db = db }

    public struct Result: Sendable {
        public var text: String
        public var rows: Int
        public var unpricedRecords: Int
    }

    public static let columns = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
        "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountStatus",
        "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
        "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName",
        "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName",
        "SkuId", "SkuPriceId", "SubAccountId", "SubAccountName", "Tags",
        "x_CostCenter", "x_Source", "x_UsageId",
        "InvoiceIssuer", "Provider", "Publisher", "ResourceID", "ChargeType",
    ]

    public func csv(period: String) throws -> Result {
        guard let start = UTCTime.parseMonth(period) else { throw InvoiceBuilder.BadPeriod(period: period) }
        let periodStart = start.iso8601, periodEnd = start.startOfNextMonth.iso8601
        var rows: [[SQLValue]] = []
        let statement = try db.prepare("""
            SELECT c.amount_micros, c.currency, COALESCE(u.customer_id, s.customer_id, u.account_id), cu.company_name,
                   u.usage_start, u.usage_end, COALESCE(m.name, u.meter_id), u.quantity, COALESCE(u.unit, m.unit),
                   COALESCE(u.location, m.region), u.resource_id, r.name, r.provider_type, m.category,
                   u.meter_id, COALESCE(u.subscription_id, u.account_id), s.offer_name, u.tags,
                   COALESCE(cc.display_name, c.cost_center_key), u.source, u.usage_id, u.user_name
            FROM charges c
            JOIN usage u ON u.usage_id = c.usage_id
            LEFT JOIN subscriptions s ON s.source = u.source AND s.subscription_id = COALESCE(u.subscription_id, u.account_id)
            LEFT JOIN customers cu ON cu.source = u.source AND cu.customer_id = COALESCE(u.customer_id, s.customer_id)
            LEFT JOIN meters m ON m.source = u.source AND m.meter_id = u.meter_id
            LEFT JOIN resources r ON r.source = u.source AND r.resource_id = u.resource_id
            LEFT JOIN cost_centers cc ON cc.cost_center_key = c.cost_center_key
            WHERE c.period = ?1 AND c.amount_micros IS NOT NULL
            ORDER BY u.usage_id
            """)
        try statement.bind(period).forEachRow { row in
            let cost = SQLValue.text(Self.money(row.int64(0)))
            let quantity = try Self.quantity(row.string(7), meterID: row.string(14))
            let isCredits = row.optionalString(8) == "credits" || row.optionalString(21) != nil
            let provider = isCredits ? "Esri" : "Microsoft"
            let service = isCredits ? "ArcGIS Online" : (row.optionalString(13).flatMap { $0.isEmpty ? nil : $0 } ?? "Azure")
            let category = Self.serviceCategory(isCredits: isCredits, meterID: row.string(14), category: row.optionalString(13))
            func text(_ index: Int) -> SQLValue {
                guard let value = row.optionalString(index), !value.isEmpty else { return .null }
                return .text(value)
            }
            let unit = text(8)
            let charge = SQLValue.text("Usage")
            rows.append([
                cost, .text(row.string(2)), text(3), .text(row.string(1)), .text(periodEnd), .text(periodStart),
                charge, quantity.hasPrefix("-") ? .text("Correction") : .null, text(6), .text("Usage-Based"),
                .text(Self.time(row.string(5))), .text(Self.time(row.string(4))),
                .null, .null, .null, .null, .null, .text(quantity), unit, cost, .null, cost,
                .text(provider), cost, .null, .text("Standard"), .text(quantity), unit, .text(provider),
                .text(provider), text(9), text(9), text(10), text(11), text(12), .text(category), .text(service),
                text(14), text(14), text(15), text(16), .text(Self.tags(row.string(17))),
                text(18), .text(row.string(19)), .text(String(row.int64(20))),
                .text(provider), .text(provider), .text(provider), text(10), charge,
            ])
        }
        let unpriced = try db.scalar("SELECT count(*) FROM charges WHERE period = ?1 AND amount_micros IS NULL", period)?.int64 ?? 0
        return Result(text: ResultTable(columns: Self.columns, rows: rows).renderSpreadsheetCSV(), rows: rows.count, unpricedRecords: Int(unpriced))
    }

    /// Micro-units as an exact decimal with six places: `-0.400000`.
    static func money(_ micros: Int64) -> String {
        let magnitude = micros.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (micros < 0 ? "-" : "") + String(magnitude / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// An exact quantity, always with a decimal point.
    static func quantity(_ text: String, meterID: String) throws -> String {
        guard let value = ExactDecimal.parse(text) else { throw InvoiceBuilder.BadQuantity(text: text, meterID: meterID) }
        let formatted = ExactDecimal.format(value)
        return formatted.contains(".") ? formatted : formatted + ".0"
    }

    /// Warehouse time text normalized to `YYYY-MM-DDTHH:mm:ssZ`.
    static func time(_ text: String) -> String { UTCTime.parse(text)?.iso8601 ?? text }

    /// FOCUS Tags: a JSON object of finalized tags. Usage tags are an object already; an array of
    /// ArcGIS-style `key:value` strings becomes an object, a valueless tag `true`.
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

    /// The FOCUS 1.0 ServiceCategory of a meter, from its Azure category or ArcGIS service type.
    static func serviceCategory(isCredits: Bool, meterID: String, category: String?) -> String {
        let text = (isCredits ? meterID : category ?? "").lowercased()
        if isCredits { return text.hasPrefix("stg.") || text.contains("storage") ? "Storage" : "Analytics" }
        let table: [(String, String)] = [
            ("storage", "Storage"), ("virtual machines", "Compute"), ("compute", "Compute"), ("functions", "Compute"),
            ("app service", "Web"), ("sql", "Databases"), ("cosmos", "Databases"), ("database", "Databases"),
            ("network", "Networking"), ("bandwidth", "Networking"), ("dns", "Networking"), ("load balancer", "Networking"),
            ("monitor", "Management and Governance"), ("log analytics", "Management and Governance"), ("backup", "Storage"),
            ("cognitive", "AI and Machine Learning"), ("machine learning", "AI and Machine Learning"), ("key vault", "Security"),
        ]
        return table.first { text.contains($0.0) }?.1 ?? "Other"
    }
}
