import Foundation
import WarehouseCore

/// One response body as fetched, ready for `RawPageStore` and for the decoders: the bytes exactly
/// as received (after HTTP decompression), the redacted request that produced them, and the ids
/// that place it (customer, subscription).
public struct FetchedPage: Sendable {
    /// The stream it belongs to (`customers`, `subscriptions`, `utilization`, `ratecard`, `usage`).
    public var stream: String
    /// What the body is, for the decoders (`PageKind`).
    public var kind: String
    /// The request URL with secrets redacted; safe for `raw_pages.request` and logs.
    public var request: String
    public var body: Data
    public var fetchedAt: UTCTime
    /// `customerId`, `subscriptionId`, window bounds and the like.
    public var context: [String: String]
    /// True when the API said another page follows (a `links.next` or `nextLink`): the nightly
    /// run advances a window's checkpoint only with the page that ends it.
    public var hasMore: Bool

    public init(stream: String, kind: String, request: String, body: Data, fetchedAt: UTCTime, context: [String: String], hasMore: Bool = false) {
        self.hasMore = hasMore
        self.stream = stream
        self.kind = kind
        self.request = request
        self.body = body
        self.fetchedAt = fetchedAt
        self.context = context
    }

    /// `context` as a JSON object with sorted keys (the `raw_pages.context` column).
    public var contextJSON: String {
        guard let data = try? JSONSerialization.data(withJSONObject: context, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The `kind` of each page the clients fetch.
public enum PageKind {
    public static let partnerCenterCustomers = "partnercenter.customers"
    public static let partnerCenterSubscriptions = "partnercenter.subscriptions"
    public static let partnerCenterUtilization = "partnercenter.utilization"
    public static let partnerCenterRateCard = "partnercenter.ratecard"
    public static let commerceUsage = "commerce.usageaggregates"
    public static let commerceRateCard = "commerce.ratecard"
}
