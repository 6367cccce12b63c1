import Foundation
import WarehouseCore

/// One Azure usage record as Partner Center (utilization) and Azure Commerce (UsageAggregates)
/// both describe it; the two readers fill it from their own field names.
public struct AzureUsageRecord: Sendable, Equatable {
    public var usageStart: UTCTime
    public var usageEnd: UTCTime
    /// The meter GUID as sent (`resource.id` / `meterId`).
    public var meterID: String
    public var meterName: String?
    public var meterCategory: String?
    public var meterSubcategory: String?
    public var meterRegion: String?
    /// The quantity's exact value.
    public var quantity: Decimal
    public var unit: String?
    /// `instanceData.resourceUri`; nil for legacy records that only carry `infoFields`.
    public var resourceURI: String?
    public var location: String?
    /// `instanceData.tags` as sent (an object; key casing kept).
    public var tags: JSONObject
    public var additionalInfo: JSONObject?
    public var infoFields: JSONObject?
    /// `properties.subscriptionId` (Azure Commerce only).
    public var subscriptionID: String?

    public init(
        usageStart: UTCTime, usageEnd: UTCTime, meterID: String, meterName: String? = nil, meterCategory: String? = nil,
        meterSubcategory: String? = nil, meterRegion: String? = nil, quantity: Decimal, unit: String? = nil,
        resourceURI: String? = nil, location: String? = nil, tags: JSONObject = JSONObject(),
        additionalInfo: JSONObject? = nil, infoFields: JSONObject? = nil, subscriptionID: String? = nil
    ) {
        self.usageStart = usageStart
        self.usageEnd = usageEnd
        self.meterID = meterID
        self.meterName = meterName
        self.meterCategory = meterCategory
        self.meterSubcategory = meterSubcategory
        self.meterRegion = meterRegion
        self.quantity = quantity
        self.unit = unit
        self.resourceURI = resourceURI
        self.location = location
        self.tags = tags
        self.additionalInfo = additionalInfo
        self.infoFields = infoFields
        self.subscriptionID = subscriptionID
    }
}

/// A rate card as both Partner Center (`ratecards/azure`, camelCase) and Azure Commerce
/// (`RateCard`, PascalCase) describe it.
public struct RateCardDocument: Sendable, Equatable {
    public var currency: String
    public var locale: String?
    public var meters: [RateCardMeter]
    /// Absent in some captures: then empty.
    public var offerTerms: [RateCardOfferTerm]
}

/// One tier of a meter: the band starts at `threshold` (inclusive).
public struct RateCardTier: Sendable, Equatable {
    public var threshold: Decimal
    public var unitPrice: Decimal
}

public struct RateCardMeter: Sendable, Equatable {
    public var meterID: String
    public var name: String?
    public var category: String?
    public var subcategory: String?
    public var region: String?
    public var unit: String?
    /// Sorted by threshold as numbers ("5" before "10240"), never as strings.
    public var tiers: [RateCardTier]
    public var includedQuantity: Decimal
    public var effectiveDate: UTCTime
    public var tags: [String]
}

public struct RateCardOfferTerm: Sendable, Equatable {
    public var name: String
    public var discount: Decimal
    public var excludedMeterIDs: [String]
    public var effectiveDate: UTCTime
}

extension RateCardMeter {
    /// Reads a `rates` / `MeterRates` object: keys are thresholds written as strings, values the
    /// unit prices. Sorted numerically; a key that is not a number is an error.
    static func tiers(_ node: JSONNode) throws -> [RateCardTier] {
        let object = try node.object()
        var tiers: [RateCardTier] = []
        for member in object.members {
            let at = node.child(member.key)
            guard let threshold = ExactDecimal.parse(member.key.trimmingCharacters(in: .whitespaces)) else {
                throw DocumentError(position: at, message: "expected a numeric threshold as the key, found '\(member.key)'")
            }
            let price = try JSONNode(member.value, path: at).decimal()
            if tiers.contains(where: { $0.threshold == threshold }) {
                throw DocumentError(position: at, message: "threshold \(ExactDecimal.format(threshold)) given twice")
            }
            tiers.append(RateCardTier(threshold: threshold, unitPrice: price))
        }
        if tiers.isEmpty { throw DocumentError(position: node.path, message: "expected at least one rate") }
        return tiers.sorted { $0.threshold < $1.threshold }
    }
}
