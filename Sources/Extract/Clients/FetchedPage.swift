import Foundation
import WarehouseCore

/// One response body as fetched, ready for the loader: the bytes exactly as received (after HTTP
/// decompression) and the redacted request that produced them. Which stream it belongs to, and
/// the ids that place it (customer, subscription, org), are the caller's: it asked.
public struct FetchedPage: Sendable {
    /// The request URL with secrets redacted; safe for `raw_pages.request` and logs.
    public var request: String
    public var body: Data
    public var fetchedAt: UTCTime
    /// True when the API said another page follows (a `links.next` or `nextLink`): the nightly
    /// run advances a window's checkpoint only with the page that ends it.
    public var hasMore: Bool

    public init(request: String, body: Data, fetchedAt: UTCTime, hasMore: Bool = false) {
        self.request = request
        self.body = body
        self.fetchedAt = fetchedAt
        self.hasMore = hasMore
    }
}
