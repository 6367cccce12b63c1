import Foundation
import WarehouseCore

extension FocusMapping {
    /// An ArcGIS Online credit charge as the warehouse holds it.
    public struct CreditCharge: Sendable {
        /// `<etype>.<stype>` or `<stype>.<etype>` (`svcusg.geoenrich`, `geocode.svcusg`, `stg.features`).
        public var meterID: String
        /// A name the warehouse has for the meter (a credits report's), used when the meter is not a known service type.
        public var meterName: String?
        public var credits: String
        /// The charge, exact decimal text in `currency`.
        public var cost: String
        public var currency: String
        public var orgID: String
        public var userName: String?
        /// The item, for storage: a ResourceId only when the warehouse knows the item (name or type).
        public var itemID: String?
        public var itemName: String?
        public var itemType: String?

        public init(
            meterID: String, meterName: String?, credits: String, cost: String, currency: String, orgID: String,
            userName: String? = nil, itemID: String? = nil, itemName: String? = nil, itemType: String? = nil
        ) {
            self.meterID = meterID
            self.meterName = meterName
            self.credits = credits
            self.cost = cost
            self.currency = currency
            self.orgID = orgID
            self.userName = userName
            self.itemID = itemID
            self.itemName = itemName
            self.itemType = itemType
        }
    }

    /// ArcGIS Online credits as FOCUS rows (README, "FOCUS"): provider, publisher and invoice issuer
    /// Esri; ServiceName the service type's name (`ArcGISServiceTypes`); PricingUnit and
    /// ConsumedUnit `Credits`, PricingQuantity and ConsumedQuantity the credits; the credit price
    /// as ListUnitPrice and ContractedUnitPrice; the org as the billing account, the user as the
    /// sub account; the service type as the SKU.
    public static func arcGIS(_ charge: CreditCharge) -> FocusRow {
        var focus = FocusRow()
        let credits = ExactDecimal.parse(charge.credits) ?? 0
        let cost = ExactDecimal.parse(charge.cost) ?? 0
        focus["ChargeCategory"] = "Usage"
        if credits < 0 { focus["ChargeClass"] = "Correction" }
        focus["ChargeFrequency"] = "Usage-Based"
        focus["PricingCategory"] = "Standard"
        for column in ["ProviderName", "PublisherName", "InvoiceIssuerName"] { focus[column] = "Esri" }
        let name = ArcGISServiceTypes.name(of: charge.meterID) ?? charge.meterName ?? "ArcGIS Online"
        let (category, subcategory) = creditCategory(charge.meterID)
        focus["ServiceName"] = name
        focus["ServiceCategory"] = category
        focus["ServiceSubcategory"] = subcategory
        focus["ChargeDescription"] = name
        focus["SkuId"] = charge.meterID
        focus["SkuPriceId"] = charge.meterID
        focus["SkuMeter"] = name
        focus["x_SkuMeterId"] = charge.meterID
        for column in ["PricingUnit", "ConsumedUnit"] { focus[column] = "Credits" }
        for column in ["PricingQuantity", "ConsumedQuantity"] { focus[column] = ExactDecimal.format(credits) }
        focus["x_PricingBlockSize"] = "1"
        let price = unitPrice(cost: cost, quantity: credits)
        for column in ["BilledCost", "EffectiveCost", "ContractedCost", "ListCost"] { focus[column] = ExactDecimal.format(cost) }
        for column in ["ListUnitPrice", "ContractedUnitPrice"] { focus[column] = ExactDecimal.format(price) }
        for column in ["BillingCurrency", "PricingCurrency"] { focus[column] = charge.currency }
        focus["BillingAccountId"] = charge.orgID
        focus["BillingAccountType"] = "Organization"
        if let user = charge.userName {
            focus["SubAccountId"] = user
            focus["SubAccountName"] = user
            focus["SubAccountType"] = "User"
        }
        if let item = charge.itemID, !item.isEmpty, charge.itemName != nil || charge.itemType != nil {
            focus["ResourceId"] = item
            focus["ResourceName"] = charge.itemName
            focus["ResourceType"] = charge.itemType
        }
        return focus
    }

    /// The FOCUS 1.2 ServiceCategory and ServiceSubcategory of an ArcGIS service type: storage of
    /// hosted features, files and attachments, and tiles is Storage (Storage Platforms, File
    /// Storage, Object Storage); geocoding is finding places by address, Analytics/Search;
    /// demographic maps Analytics/Business Intelligence; every other credit-consuming service
    /// (spatial, elevation and network analysis, GeoEnrichment, tile generation) Analytics/Data
    /// Processing. A meter that is none of these is Other.
    static func creditCategory(_ meterID: String) -> (String, String) {
        let parts = Set(meterID.lowercased().split(separator: ".").map(String.init))
        if parts.contains("stg") {
            if parts.contains("portal") { return ("Storage", "File Storage") }
            if parts.contains("tiles") { return ("Storage", "Object Storage") }
            return ("Storage", "Storage Platforms")
        }
        if parts.contains("geocode") || parts.contains("geocodecnt") { return ("Analytics", "Search") }
        if parts.contains("demogmaps") { return ("Analytics", "Business Intelligence") }
        if parts.contains("svcusg") || parts.contains("tilegencnt") { return ("Analytics", "Data Processing") }
        return ("Other", "Other (Other)")
    }
}
