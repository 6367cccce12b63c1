import Foundation
import WarehouseCore

/// `GET /subscriptions/{id}/providers/Microsoft.Commerce/UsageAggregates` (2015-06-01-preview):
/// `{value:[{id,name,type,properties:{...}}], nextLink}`.
///
/// `properties.instanceData` is a JSON *string* holding
/// `{"Microsoft.Resources":{resourceUri,location,tags,additionalInfo}}`, parsed a second time here;
/// legacy records carry only `infoFields` (`meteredRegion`, `meteredService`, `project`).
/// See https://learn.microsoft.com/previous-versions/azure/reference/mt219001(v=azure.100)
public struct AzureUsageAggregatesPage: Sendable, Equatable {
    public var items: [AzureUsageRecord]
    public var nextLink: String?

    public static func decode(_ data: Data, file: String) throws -> AzureUsageAggregatesPage {
        try DocumentReader.decode(data, file: file) { root in
            AzureUsageAggregatesPage(
                items: try root.requiredArray("value").map { try decodeRecord($0.required("properties")) },
                nextLink: try root.optionalString("nextLink"))
        }
    }

    static func decodeRecord(_ p: JSONNode) throws -> AzureUsageRecord {
        var record = AzureUsageRecord(
            usageStart: try p.requiredTime("usageStartTime"), usageEnd: try p.requiredTime("usageEndTime"),
            meterID: try p.requiredString("meterId"), meterName: try p.optionalString("meterName"),
            meterCategory: try p.optionalString("meterCategory"), meterSubcategory: try p.optionalString("meterSubCategory"),
            meterRegion: try p.optionalString("meterRegion"), quantity: try p.requiredDecimal("quantity"),
            unit: try p.optionalString("unit"), infoFields: try p.optionalObject("infoFields"),
            subscriptionID: try p.optionalString("subscriptionId"))
        if let instance = try p.optional("instanceData") {
            let resources = try instanceResources(instance)
            record.resourceURI = try resources?.optionalString("resourceUri")
            record.location = try resources?.optionalString("location")
            record.tags = try resources?.optionalObject("tags") ?? JSONObject()
            record.additionalInfo = try resources?.optionalObject("additionalInfo")
        }
        if record.meterRegion == nil, case .string(let region)? = record.infoFields?["meteredRegion"] {
            record.meterRegion = region
        }
        return record
    }

    /// The `Microsoft.Resources` object inside `instanceData` (a string, or an object when a
    /// tool already expanded it).
    static func instanceResources(_ node: JSONNode) throws -> JSONNode? {
        let inner: JSONNode
        switch node.value {
        case .string(let text):
            do {
                inner = JSONNode(try JSONParser.parse(text), path: node.path)
            } catch {
                throw DocumentError(
                    position: node.path, message: "instanceData is not JSON: line \(error.line), column \(error.column): \(error.message)")
            }
        case .object: inner = node
        default: throw node.problem("expected instanceData as a JSON string, found \(node.value.typeName)")
        }
        return try inner.optional("Microsoft.Resources")
    }
}

/// `GET .../Microsoft.Commerce/RateCard`: PascalCase (`Meters`, `MeterRates`, `IncludedQuantity`,
/// `OfferTerms`). `Currency` is in the real responses but not in the specification's example:
/// `defaultCurrency` (the `$filter` the card was requested with) stands in for it.
/// See https://learn.microsoft.com/previous-versions/azure/reference/mt219004(v=azure.100)
///
/// Offer terms: a `Monetary Commitment` carries `TieredDiscount`, "key = price, and value = the
/// corresponding discount percentage" (commerce.json `MonetaryCommitment`). The card does not say
/// which commitment level the account holds, so the discount of the lowest level (the one every
/// commitment reaches) is taken, as a fraction (10 → 0.10). `Monetary Credit` and `Recurring
/// Charge` carry no discount (0): a credit is money, not a rate, and is not priced here.
public enum AzureRateCard {
    static func tieredDiscount(_ term: JSONNode) throws -> Decimal? {
        guard let tiers = try term.optional("TieredDiscount") else { return nil }
        let lowest = try RateCardMeter.tiers(tiers).first
        return lowest.map { $0.unitPrice / 100 }
    }

    public static func decode(_ data: Data, file: String, defaultCurrency: String = "USD") throws -> RateCardDocument {
        try DocumentReader.decode(data, file: file) { root in
            RateCardDocument(
                currency: try root.optionalString("Currency") ?? defaultCurrency, locale: try root.optionalString("Locale"),
                meters: try root.requiredArray("Meters").map { meter in
                    RateCardMeter(
                        meterID: try meter.requiredString("MeterId"), name: try meter.optionalString("MeterName"),
                        category: try meter.optionalString("MeterCategory"), subcategory: try meter.optionalString("MeterSubCategory"),
                        region: try meter.optionalString("MeterRegion"), unit: try meter.optionalString("Unit"),
                        tiers: try RateCardMeter.tiers(meter.required("MeterRates")),
                        includedQuantity: try meter.optionalDecimal("IncludedQuantity") ?? 0,
                        effectiveDate: try meter.requiredTime("EffectiveDate"), tags: try meter.optionalStrings("MeterTags"))
                },
                offerTerms: try root.optionalArray("OfferTerms").map { term in
                    RateCardOfferTerm(
                        name: try term.requiredString("Name"),
                        discount: try term.optionalDecimal("Discount") ?? tieredDiscount(term) ?? 0,
                        excludedMeterIDs: try term.optionalStrings("ExcludedMeterIds"),
                        effectiveDate: try term.requiredTime("EffectiveDate"))
                })
        }
    }
}
