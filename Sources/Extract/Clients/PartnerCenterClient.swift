import Foundation
import Logging
import Transport
import WarehouseCore

/// Where and how to reach Partner Center.
public struct PartnerCenterConfiguration: Sendable {
    /// `https://api.partnercenter.microsoft.com/v1` (or the sandbox's `…/v1`).
    public var baseURL: String
    /// `https://login.microsoftonline.com` (or the sandbox).
    public var authorityURL: String
    public var tenant: String
    public var credentials: AzureADCredentials
    public var resource: String
    /// Records per utilization page: 1,000 is the API's maximum and default.
    public var utilizationPageSize: Int
    public var customerPageSize: Int
    /// `daily` or `hourly`.
    public var granularity: String
    public var locale: String

    public init(
        baseURL: String = "https://api.partnercenter.microsoft.com/v1", authorityURL: String = "https://login.microsoftonline.com",
        tenant: String, credentials: AzureADCredentials, resource: String = "https://api.partnercenter.microsoft.com",
        utilizationPageSize: Int = 1000, customerPageSize: Int = 100, granularity: String = "daily", locale: String = "en-US"
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.authorityURL = authorityURL
        self.tenant = tenant
        self.credentials = credentials
        self.resource = resource
        self.utilizationPageSize = min(1000, max(1, utilizationPageSize))
        self.customerPageSize = customerPageSize
        self.granularity = granularity
        self.locale = locale
    }
}

/// The Partner Center (CSP) calls the warehouse makes: customers, their usage-based
/// subscriptions, Azure utilization per subscription for a reported-time window, and the Azure
/// rate card. Pages stream out as they arrive (`AsyncThrowingStream`, pulled: the next page is
/// fetched only when the consumer asks), so memory stays flat whatever the window holds.
/// https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure
public final class PartnerCenterClient: Sendable {
    public let configuration: PartnerCenterConfiguration
    public let tokens: AzureADTokenProvider
    private let fetcher: AuthorizedFetcher
    private let logger: Logger

    public init(configuration: PartnerCenterConfiguration, http: HTTPClient, logger: Logger = Logger(label: "warehouse.partnercenter")) {
        self.configuration = configuration
        self.logger = logger
        self.tokens = AzureADTokenProvider(
            authorityURL: configuration.authorityURL, tenant: configuration.tenant, resource: configuration.resource,
            credentials: configuration.credentials, http: http)
        let correlation = UUID().uuidString.lowercased()
        self.fetcher = AuthorizedFetcher(
            http: http, tokens: tokens,
            fixedHeaders: [(name: "MS-CorrelationId", value: correlation), (name: "X-Locale", value: configuration.locale)],
            logger: logger)
    }

    /// `GET /v1/customers?size=N`, then `links.next` to the end.
    public func customers() -> AsyncThrowingStream<FetchedPage, any Error> {
        pages(first: "\(configuration.baseURL)/customers?size=\(configuration.customerPageSize)")
    }

    /// Every customer id, following all pages.
    public func customerIDs() async throws -> [String] {
        var ids: [String] = []
        for try await page in customers() { ids += try Self.customerIDs(in: page) }
        return ids
    }

    /// The customer ids on one page of `customers()`.
    public static func customerIDs(in page: FetchedPage) throws -> [String] {
        try items(page).compactMap { ($0 as? [String: Any])?["id"] as? String }
    }

    /// `GET /v1/customers/{id}/subscriptions`, and the ids of its usage-based (`billingType ==
    /// "usage"`) subscriptions, the only ones the utilization API serves.
    public func subscriptions(customerID: String) async throws -> (page: FetchedPage, usageSubscriptionIDs: [String]) {
        let (page, json) = try await fetcher.fetch(
            url: "\(configuration.baseURL)/customers/\(URLText.encode(customerID))/subscriptions")
        let ids = JSONPeek.array(json, "items").compactMap { item -> String? in
            guard let sub = item as? [String: Any], (sub["billingType"] as? String)?.lowercased() == "usage" else { return nil }
            return sub["id"] as? String
        }
        return (page, ids)
    }

    /// Utilization records of one subscription reported in `[start, end)`: `start_time` and
    /// `end_time` in true UTC (`…Z`, so no offset or `+` can be misread), daily or hourly, with
    /// instance details, 1,000 a page, following `links.next` with its headers byte for byte.
    public func utilization(customerID: String, subscriptionID: String, from start: UTCTime, to end: UTCTime) -> AsyncThrowingStream<FetchedPage, any Error> {
        let query = URLText.query([
            ("start_time", start.iso8601), ("end_time", end.iso8601), ("granularity", configuration.granularity),
            ("show_details", "true"), ("size", String(configuration.utilizationPageSize)),
        ])
        let url = "\(configuration.baseURL)/customers/\(URLText.encode(customerID))/subscriptions/\(URLText.encode(subscriptionID))/utilizations/azure?\(query)"
        return pages(first: url)
    }

    /// `GET /v1/ratecards/azure?currency=…&region=…`.
    public func rateCard(currency: String? = nil, region: String? = nil) async throws -> FetchedPage {
        var items: [(String, String)] = []
        if let currency { items.append(("currency", currency)) }
        if let region { items.append(("region", region)) }
        let url = "\(configuration.baseURL)/ratecards/azure" + (items.isEmpty ? "" : "?\(URLText.query(items))")
        return try await fetcher.fetch(url: url).page
    }

    /// Pages from `first`, then each `links.next`: `GET {base}/{next.uri}` with every
    /// `next.headers` entry sent as is; stops when `links.next` is absent.
    private func pages(first: String) -> AsyncThrowingStream<FetchedPage, any Error> {
        let cursor = PageCursor(url: first, headers: [])
        let fetcher = self.fetcher
        let base = configuration.baseURL
        return AsyncThrowingStream {
            guard let (url, headers) = cursor.take() else { return nil }
            var (page, json) = try await fetcher.fetch(url: url, headers: headers)
            if let next = JSONPeek.object(JSONPeek.object(JSONPeek.object(json)?["links"])?["next"]),
                let uri = next["uri"] as? String
            {
                let headers = (next["headers"] as? [Any] ?? []).compactMap { entry -> (name: String, value: String)? in
                    guard let e = entry as? [String: Any], let k = e["key"] as? String, let v = e["value"] as? String else { return nil }
                    return (k, v)
                }
                cursor.set(url: Self.resolve(uri, base: base), headers: headers)
                page.hasMore = true
            }
            return page
        }
    }

    /// `links.next.uri` is relative to `/v1` and lacks it (`customers/…`); some start with `/`,
    /// some (invoices) with `/v1/`. Normalize the slashes.
    static func resolve(_ uri: String, base: String) -> String {
        if uri.hasPrefix("http://") || uri.hasPrefix("https://") { return uri }
        var path = Substring(uri)
        while path.hasPrefix("/") { path = path.dropFirst() }
        if path.hasPrefix("v1/") { path = path.dropFirst(3) }
        return "\(base)/\(path)"
    }

    static func items(_ page: FetchedPage) throws -> [Any] {
        let response = HTTPResponse(status: 200, headers: [:], body: page.body, url: page.request)
        return JSONPeek.array(try HTTPClient.parseJSON(response), "items")
    }
}
