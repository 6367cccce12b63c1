import Foundation

/// Our own FOCUS 1.2 conformance check, written from the specification's column definitions
/// (FOCUS_Spec, tag v1.2, `specification/columns/*.md`: each column's feature level, "Allows
/// nulls", data type, value format, allowed values and its conditional nullability rules), since
/// the installable focus-validator checks 1.0 only. `violations` names each broken rule with the
/// row (1 = the first data row) and column.
public enum FocusConformance {
    /// Feature level Mandatory in 1.2.
    public static let mandatory = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost",
        "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
        "ServiceCategory", "ServiceName",
    ]
    /// "Allows nulls: False" (BillingAccountType, PricingCurrency, ChargeFrequency and
    /// ServiceSubcategory when present).
    static let notNull = [
        "BilledCost", "BillingAccountId", "BillingAccountType", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost",
        "InvoiceIssuerName", "ListCost", "PricingCurrency", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
        "ServiceSubcategory",
    ]
    static let dateTimes = ["BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart"]
    static let decimals = [
        "BilledCost", "CommitmentDiscountQuantity", "ConsumedQuantity", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
        "ListCost", "ListUnitPrice", "PricingQuantity",
    ]
    static let allowed: [String: Set<String>] = [
        "ChargeCategory": ["Usage", "Purchase", "Tax", "Credit", "Adjustment"],
        "ChargeClass": ["Correction"],
        "ChargeFrequency": ["One-Time", "Recurring", "Usage-Based"],
        "PricingCategory": ["Standard", "Dynamic", "Committed", "Other"],
        "CommitmentDiscountCategory": ["Spend", "Usage"],
        "CommitmentDiscountStatus": ["Used", "Unused"],
        "CapacityReservationStatus": ["Used", "Unused"],
        "ServiceCategory": Set(subcategories.values),
    ]

    /// ServiceSubcategory allowed values and their one parent ServiceCategory.
    static let subcategories: [String: String] = {
        let table: [(String, [String])] = [
            ("AI and Machine Learning", ["AI Platforms", "Bots", "Generative AI", "Machine Learning", "Natural Language Processing"]),
            ("Analytics", ["Analytics Platforms", "Business Intelligence", "Data Processing", "Search", "Streaming Analytics"]),
            ("Business Applications", ["Productivity and Collaboration"]),
            ("Compute", ["Containers", "End User Computing", "Quantum Compute", "Serverless Compute", "Virtual Machines"]),
            ("Databases", ["Caching", "Data Warehouses", "Ledger Databases", "NoSQL Databases", "Relational Databases", "Time Series Databases"]),
            ("Developer Tools", ["Developer Platforms", "Continuous Integration and Deployment", "Development Environments",
                                 "Source Code Management", "Quality Assurance"]),
            ("Identity", ["Identity and Access Management"]),
            ("Integration", ["API Management", "Messaging", "Workflow Orchestration"]),
            ("Internet of Things", ["IoT Analytics", "IoT Platforms"]),
            ("Management and Governance", ["Architecture", "Compliance", "Cost Management", "Data Governance", "Disaster Recovery",
                                           "Endpoint Management", "Observability", "Support"]),
            ("Media", ["Content Creation", "Gaming", "Media Streaming", "Mixed Reality"]),
            ("Migration", ["Data Migration", "Resource Migration"]),
            ("Mobile", []),
            ("Multicloud", ["Multicloud Integration"]),
            ("Networking", ["Application Networking", "Content Delivery", "Network Connectivity", "Network Infrastructure",
                            "Network Routing", "Network Security"]),
            ("Security", ["Secret Management", "Security Posture Management", "Threat Detection and Response"]),
            ("Storage", ["Backup Storage", "Block Storage", "File Storage", "Object Storage", "Storage Platforms"]),
            ("Web", ["Application Platforms"]),
            ("Other", []),
        ]
        var parents: [String: String] = [:]
        for (category, names) in table {
            for name in names + ["Other (\(category))"] { parents[name] = category }
        }
        return parents
    }()

    /// Every rule broken by a FOCUS 1.2 table (`header`, then `rows` of the same width; an empty
    /// field is null).
    public static func violations(header: [String], rows: [[String]]) -> [String] {
        var found = mandatory.filter { !header.contains($0) }.map { "missing mandatory column \($0)" }
        for (index, fields) in rows.enumerated() {
            guard fields.count == header.count else {
                found.append("row \(index + 1): \(fields.count) fields for \(header.count) columns")
                continue
            }
            var row: [String: String] = [:]
            for (name, value) in zip(header, fields) where !value.isEmpty { row[name] = value }
            found += check(row, header: Set(header)).map { "row \(index + 1): \($0)" }
        }
        return found
    }

    static func check(_ row: [String: String], header: Set<String>) -> [String] {
        var found: [String] = []
        for column in notNull where header.contains(column) && row[column] == nil { found.append("\(column) is null") }
        for (column, values) in allowed {
            if let value = row[column], !values.contains(value) { found.append("\(column) '\(value)' is not an allowed value") }
        }
        if let sub = row["ServiceSubcategory"], subcategories[sub] != row["ServiceCategory"] {
            found.append("ServiceSubcategory '\(sub)' is not under ServiceCategory '\(row["ServiceCategory"] ?? "")'")
        }
        let utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
        for column in dateTimes { if let v = row[column], v.wholeMatch(of: utc) == nil { found.append("\(column) '\(v)' is not UTC ISO 8601") } }
        for column in decimals { if let v = row[column], Decimal(string: v) == nil || v.contains(",") { found.append("\(column) '\(v)' is not a decimal") } }
        for column in ["BillingCurrency", "PricingCurrency"] {
            if let v = row[column], v.wholeMatch(of: /[A-Z]{3}/) == nil { found.append("\(column) '\(v)' is not an ISO 4217 code") }
        }
        for column in ["Tags", "SkuPriceDetails"] {
            if let v = row[column], (try? JSONSerialization.jsonObject(with: Data(v.utf8))) as? [String: Any] == nil {
                found.append("\(column) is not a JSON object")
            }
        }
        if let details = row["SkuPriceDetails"].flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }) {
            for key in details.keys where !key.hasPrefix("x_") { found.append("SkuPriceDetails key '\(key)' is not x_-prefixed") }
        }
        if let start = row["ChargePeriodStart"], let end = row["ChargePeriodEnd"], end < start { found.append("ChargePeriodEnd before its start") }
        if let start = row["BillingPeriodStart"], let end = row["BillingPeriodEnd"], end <= start { found.append("BillingPeriodEnd not after its start") }
        return found + conditional(row)
    }

    /// The conditional nullability rules, and the unit price products.
    static func conditional(_ row: [String: String]) -> [String] {
        var found: [String] = []
        let category = row["ChargeCategory"], correction = row["ChargeClass"] == "Correction"
        let required = (category == "Usage" || category == "Purchase") && !correction
        func rule(_ ok: Bool, _ text: String) { if !ok { found.append(text) } }
        rule(category == "Usage" || row["ConsumedQuantity"] == nil, "ConsumedQuantity not null when ChargeCategory is not Usage")
        rule(!(category == "Usage" && !correction && row["CommitmentDiscountStatus"] != "Unused") || row["ConsumedQuantity"] != nil,
             "ConsumedQuantity null on a usage row")
        rule((row["ConsumedUnit"] == nil) == (row["ConsumedQuantity"] == nil), "ConsumedUnit and ConsumedQuantity disagree on null")
        rule((row["PricingUnit"] == nil) == (row["PricingQuantity"] == nil), "PricingUnit and PricingQuantity disagree on null")
        for column in ["PricingQuantity", "PricingCategory", "ListUnitPrice", "ContractedUnitPrice", "SkuId", "SkuPriceId"] {
            rule(category != "Tax" || row[column] == nil, "\(column) not null on a Tax row")
            rule(!required || row[column] != nil, "\(column) null on a Usage or Purchase row")
        }
        for column in ["ListUnitPrice", "ContractedUnitPrice"] {
            rule(!(row[column]?.hasPrefix("-") ?? false), "\(column) is negative")
        }
        rule(row["CommitmentDiscountId"] != nil || row["CommitmentDiscountStatus"] == nil, "CommitmentDiscountStatus without CommitmentDiscountId")
        rule(row["CapacityReservationId"] != nil || row["CapacityReservationStatus"] == nil, "CapacityReservationStatus without CapacityReservationId")
        rule((row["BillingAccountType"] == nil) == (row["BillingAccountId"] == nil), "BillingAccountType and BillingAccountId disagree on null")
        rule((row["SubAccountType"] == nil) == (row["SubAccountId"] == nil), "SubAccountType and SubAccountId disagree on null")
        rule(row["SkuId"] != nil || row["SkuMeter"] == nil, "SkuMeter without SkuId")
        rule(row["SkuPriceId"] != nil || row["SkuPriceDetails"] == nil, "SkuPriceDetails without SkuPriceId")
        if !correction, let quantity = row["PricingQuantity"].flatMap({ Decimal(string: $0) }) {
            for (price, cost) in [("ListUnitPrice", "ListCost"), ("ContractedUnitPrice", "ContractedCost")] {
                guard let p = row[price].flatMap({ Decimal(string: $0) }), let c = row[cost].flatMap({ Decimal(string: $0) }) else { continue }
                // Costs are rounded to micro-units and derived unit prices to the places that supports.
                let tolerance = abs(quantity) / 10_000_000_000 + Decimal(string: "0.00001")!
                rule(abs(p * quantity - c) <= tolerance, "\(price) × PricingQuantity is not \(cost)")
            }
        }
        return found
    }
}
