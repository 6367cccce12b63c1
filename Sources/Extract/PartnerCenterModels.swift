import Foundation
import WarehouseCore

/// A Partner Center link: `GET /v1/{uri}` with every header sent byte for byte (the
/// `MS-ContinuationToken` of `links.next`).
/// See https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure
public struct PartnerCenterLink: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var key: String
        public var value: String
    }

    public var uri: String
    public var method: String?
    public var headers: [Header]

    static func decode(_ node: JSONNode) throws -> PartnerCenterLink {
        PartnerCenterLink(
            uri: try node.requiredString("uri"), method: try node.optionalString("method"),
            headers: try node.optionalArray("headers").map { Header(key: try $0.requiredString("key"), value: try $0.requiredString("value")) })
    }

    /// The ids in a `customers/{cid}/subscriptions/{sid}/...` path (either may be absent), lower-cased.
    public var customerAndSubscription: (customer: String?, subscription: String?) {
        PartnerCenterLink.ids(inPath: uri)
    }

    static func ids(inPath uri: String) -> (customer: String?, subscription: String?) {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let segments = path.split(separator: "/").map(String.init)
        func after(_ name: String) -> String? {
            guard let i = segments.firstIndex(where: { $0.lowercased() == name }), i + 1 < segments.count else { return nil }
            return segments[i + 1].lowercased()
        }
        return (after("customers"), after("subscriptions"))
    }
}

/// `links` of a collection: `self` and, while there are more pages, `next`.
public struct PartnerCenterLinks: Sendable, Equatable {
    public var selfLink: PartnerCenterLink?
    public var next: PartnerCenterLink?

    public init(selfLink: PartnerCenterLink? = nil, next: PartnerCenterLink? = nil) {
        self.selfLink = selfLink
        self.next = next
    }

    static func decode(_ node: JSONNode?) throws -> PartnerCenterLinks {
        guard let node else { return PartnerCenterLinks() }
        return PartnerCenterLinks(
            selfLink: try node.optional("self").map(PartnerCenterLink.decode), next: try node.optional("next").map(PartnerCenterLink.decode))
    }
}

/// `GET /v1/customers`: `{totalCount, items:[{id, companyProfile{tenantId,domain,companyName}, relationshipToPartner}], links}`.
public struct PartnerCenterCustomersPage: Sendable, Equatable {
    public struct Customer: Sendable, Equatable {
        public var id: String
        public var companyName: String?
        public var domain: String?
        public var tenantID: String?
        public var relationship: String?
    }

    public var totalCount: Int64?
    public var items: [Customer]
    public var links: PartnerCenterLinks

    public static func decode(_ data: Data, file: String) throws -> PartnerCenterCustomersPage {
        try DocumentReader.decode(data, file: file) { root in
            PartnerCenterCustomersPage(
                totalCount: try root.optionalInt64("totalCount"),
                items: try root.requiredArray("items").map { item in
                    let profile = try item.optional("companyProfile")
                    return Customer(
                        id: try item.requiredString("id"), companyName: try profile?.optionalString("companyName"),
                        domain: try profile?.optionalString("domain"), tenantID: try profile?.optionalString("tenantId"),
                        relationship: try item.optionalString("relationshipToPartner"))
                },
                links: try PartnerCenterLinks.decode(root.optional("links")))
        }
    }
}

/// `GET /v1/customers/{cid}/subscriptions`.
public struct PartnerCenterSubscriptionsPage: Sendable, Equatable {
    public struct Subscription: Sendable, Equatable {
        public var id: String
        public var offerID: String?
        public var offerName: String?
        public var billingType: String?
        public var status: String?
        /// From the item's `links.self.uri` (`/customers/{cid}/subscriptions/{sid}`), lower-cased.
        public var customerID: String?
    }

    public var totalCount: Int64?
    public var items: [Subscription]
    public var links: PartnerCenterLinks

    public static func decode(_ data: Data, file: String) throws -> PartnerCenterSubscriptionsPage {
        try DocumentReader.decode(data, file: file) { root in
            PartnerCenterSubscriptionsPage(
                totalCount: try root.optionalInt64("totalCount"),
                items: try root.requiredArray("items").map { item in
                    let links = try PartnerCenterLinks.decode(item.optional("links"))
                    return Subscription(
                        id: try item.requiredString("id"), offerID: try item.optionalString("offerId"),
                        offerName: try item.optionalString("offerName"), billingType: try item.optionalString("billingType"),
                        status: try item.optionalString("status"), customerID: links.selfLink?.customerAndSubscription.customer)
                },
                links: try PartnerCenterLinks.decode(root.optional("links")))
        }
    }
}

/// `GET /v1/customers/{cid}/subscriptions/{sid}/utilizations/azure`.
///
/// Quirk: the Partner Center documentation's own sample nests `links` inside the last item
/// instead of the page; `itemSelfURI` keeps such an item-level `links.self.uri` so the caller can
/// still learn the customer and subscription from it.
public struct PartnerCenterUtilizationPage: Sendable, Equatable {
    public var totalCount: Int64?
    public var items: [AzureUsageRecord]
    public var links: PartnerCenterLinks
    public var itemSelfURI: String?

    public init(totalCount: Int64? = nil, items: [AzureUsageRecord], links: PartnerCenterLinks = PartnerCenterLinks(), itemSelfURI: String? = nil) {
        self.totalCount = totalCount
        self.items = items
        self.links = links
        self.itemSelfURI = itemSelfURI
    }

    /// The customer and subscription the page is for, from `links.self.uri` (page level first).
    public var customerAndSubscription: (customer: String?, subscription: String?) {
        if let uri = links.selfLink?.uri ?? itemSelfURI { return PartnerCenterLink.ids(inPath: uri) }
        return (nil, nil)
    }

    public static func decode(_ data: Data, file: String) throws -> PartnerCenterUtilizationPage {
        try DocumentReader.decode(data, file: file) { root in
            var itemSelfURI: String?
            let items = try root.requiredArray("items").map { item -> AzureUsageRecord in
                if let uri = try item.optional("links")?.optional("self")?.optionalString("uri") { itemSelfURI = uri }
                return try decodeRecord(item)
            }
            return PartnerCenterUtilizationPage(
                totalCount: try root.optionalInt64("totalCount"), items: items,
                links: try PartnerCenterLinks.decode(root.optional("links")), itemSelfURI: itemSelfURI)
        }
    }

    static func decodeRecord(_ item: JSONNode) throws -> AzureUsageRecord {
        let resource = try item.required("resource")
        let instance = try item.optional("instanceData")
        return AzureUsageRecord(
            usageStart: try item.requiredTime("usageStartTime"), usageEnd: try item.requiredTime("usageEndTime"),
            meterID: try resource.requiredString("id"), meterName: try resource.optionalString("name"),
            meterCategory: try resource.optionalString("category"), meterSubcategory: try resource.optionalString("subcategory"),
            meterRegion: try resource.optionalString("region"), quantity: try item.requiredDecimal("quantity"),
            unit: try item.optionalString("unit"), resourceURI: try instance?.optionalString("resourceUri"),
            location: try instance?.optionalString("location"), tags: try instance?.optionalObject("tags") ?? JSONObject(),
            additionalInfo: try instance?.optionalObject("additionalInfo"), infoFields: try item.optionalObject("infoFields"))
    }
}

/// `GET /v1/ratecards/azure`: camelCase meters with `rates` keyed by threshold strings;
/// `offerTerms` optional (absent in the captured fixture).
/// See https://learn.microsoft.com/partner-center/developer/azure-rate-card-resources
public enum PartnerCenterRateCard {
    public static func decode(_ data: Data, file: String) throws -> RateCardDocument {
        try DocumentReader.decode(data, file: file) { root in
            RateCardDocument(
                currency: try root.requiredString("currency"), locale: try root.optionalString("locale"),
                meters: try root.requiredArray("meters").map { meter in
                    RateCardMeter(
                        meterID: try meter.requiredString("id"), name: try meter.optionalString("name"),
                        category: try meter.optionalString("category"), subcategory: try meter.optionalString("subcategory"),
                        region: try meter.optionalString("region"), unit: try meter.optionalString("unit"),
                        tiers: try RateCardMeter.tiers(meter.required("rates")),
                        includedQuantity: try meter.optionalDecimal("includedQuantity") ?? 0,
                        effectiveDate: try meter.requiredTime("effectiveDate"), tags: try meter.optionalStrings("tags"))
                },
                offerTerms: try root.optionalArray("offerTerms").map { term in
                    RateCardOfferTerm(
                        name: try term.requiredString("name"), discount: try term.requiredDecimal("discount"),
                        excludedMeterIDs: try term.optionalStrings("excludedMeterIds"), effectiveDate: try term.requiredTime("effectiveDate"))
                })
        }
    }
}
