import Foundation

/// The FOCUS versions `warehouse export focus` writes, and their columns.
///
/// 1.2: every column of the FOCUS 1.2 specification's column definitions
/// (https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, tag v1.2,
/// `specification/columns/*.md`), except the three PricingCurrency* price and cost columns, which
/// are conditional on pricing in another currency than billing (the warehouse prices in the
/// billing currency). 1.0: the 1.0 columns as before, plus the five 1.0-preview names that the
/// FinOps Foundation's `focus-validator` 1.0.0 still checks. Columns of our own, and Microsoft's
/// `x_` columns, come last.
public enum FocusVersion: String, Sendable, CaseIterable {
    case v1_0 = "1.0"
    case v1_2 = "1.2"

    public var columns: [String] {
        switch self {
        case .v1_0: return Self.columns1_0 + Self.extensionColumns + Self.previewAliases.map(\.alias)
        case .v1_2: return Self.columns1_2 + Self.extensionColumns
        }
    }

    /// Columns whose values are decimals: written with a decimal point always (the 1.0 validator
    /// reads a column of whole numbers as integers, not decimals).
    static let decimalColumns: Set<String> = [
        "BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ListUnitPrice", "ContractedUnitPrice", "PricingQuantity",
        "ConsumedQuantity", "CommitmentDiscountQuantity",
    ]

    static let columns1_0 = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
        "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
        "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountStatus",
        "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice", "EffectiveCost",
        "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName",
        "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName",
        "SkuId", "SkuPriceId", "SubAccountId", "SubAccountName", "Tags",
    ]

    static let columns1_2 = [
        "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType", "BillingCurrency",
        "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory",
        "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
        "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName", "CommitmentDiscountQuantity",
        "CommitmentDiscountStatus", "CommitmentDiscountType", "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit",
        "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice",
        "PricingCategory", "PricingCurrency", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
        "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory",
        "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName", "SubAccountType", "Tags",
    ]

    /// Microsoft's `x_` columns worth keeping, then the warehouse's own.
    static let extensionColumns = [
        "x_PricingBlockSize", "x_PricingUnitDescription", "x_ResourceGroupName", "x_ResourceType", "x_SkuMeterCategory",
        "x_SkuMeterId", "x_SkuMeterSubcategory", "x_CostCenter", "x_Source", "x_UsageId",
    ]

    /// focus-validator 1.0.0 checks these under their 1.0-preview names (and the 0.5 ChargeType).
    static let previewAliases: [(alias: String, column: String)] = [
        ("InvoiceIssuer", "InvoiceIssuerName"), ("Provider", "ProviderName"), ("Publisher", "PublisherName"),
        ("ResourceID", "ResourceId"), ("ChargeType", "ChargeCategory"),
    ]
}
