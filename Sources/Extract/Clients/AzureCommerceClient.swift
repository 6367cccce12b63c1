import Foundation
import Logging
import Transport
import WarehouseCore

/// Where and how to reach the Azure Commerce API (direct, non-CSP subscriptions).
public struct AzureCommerceConfiguration: Sendable {
    /// `https://management.azure.com` (or the sandbox).
    public var managementURL: String
    public var authorityURL: String
    public var tenant: String
    public var credentials: AzureADCredentials
    public var resource: String
    public var apiVersion: String
    /// `Daily` or `Hourly`.
    public var granularity: String

    public init(
        managementURL: String = "https://management.azure.com", authorityURL: String = "https://login.microsoftonline.com",
        tenant: String, credentials: AzureADCredentials, resource: String = "https://management.azure.com/",
        apiVersion: String = "2015-06-01-preview", granularity: String = "Daily"
    ) {
        self.managementURL = managementURL.hasSuffix("/") ? String(managementURL.dropLast()) : managementURL
        self.authorityURL = authorityURL
        self.tenant = tenant
        self.credentials = credentials
        self.resource = resource
        self.apiVersion = apiVersion
        self.granularity = granularity
    }
}

/// The Azure Commerce calls: `UsageAggregates` for a reported-time window (following
/// `nextLink`; a 202 "not ready" is waited out per the retry policy) and `RateCard` with its
/// four required `$filter` terms. Pages stream out as they arrive, pulled.
/// https://learn.microsoft.com/previous-versions/azure/reference/mt219001(v=azure.100)
public final class AzureCommerceClient: Sendable {
    public let configuration: AzureCommerceConfiguration
    public let tokens: AzureADTokenProvider
    private let fetcher: AuthorizedFetcher

    public init(configuration: AzureCommerceConfiguration, http: HTTPClient, logger: Logger = Logger(label: "warehouse.commerce")) {
        self.configuration = configuration
        self.tokens = AzureADTokenProvider(
            authorityURL: configuration.authorityURL, tenant: configuration.tenant, resource: configuration.resource,
            credentials: configuration.credentials, http: http)
        self.fetcher = AuthorizedFetcher(
            http: http, tokens: tokens, fixedHeaders: [(name: "x-ms-client-request-id", value: UUID().uuidString.lowercased())],
            logger: logger)
    }

    /// Usage aggregates of `subscriptionID` reported in `[start, end)`, with instance details.
    public func usageAggregates(subscriptionID: String, from start: UTCTime, to end: UTCTime) -> AsyncThrowingStream<FetchedPage, any Error> {
        let query = URLText.query([
            ("api-version", configuration.apiVersion), ("reportedStartTime", start.iso8601), ("reportedEndTime", end.iso8601),
            ("aggregationGranularity", configuration.granularity), ("showDetails", "true"),
        ])
        let first = "\(configuration.managementURL)/subscriptions/\(URLText.encode(subscriptionID))/providers/Microsoft.Commerce/UsageAggregates?\(query)"
        let cursor = PageCursor(url: first, headers: [])
        let fetcher = self.fetcher
        return AsyncThrowingStream {
            guard let (url, _) = cursor.take() else { return nil }
            var (page, json) = try await fetcher.fetch(url: url)
            // `nextLink` is absolute and already carries `continuationToken`, encoded: use it as is.
            if let next = JSONPeek.string(json, "nextLink"), !next.isEmpty {
                cursor.set(url: next, headers: [])
                page.hasMore = true
            }
            return page
        }
    }

    /// `RateCard` for an offer: `$filter=OfferDurableId eq '…' and Currency eq '…' and Locale eq
    /// '…' and RegionInfo eq '…'` (all four are required by the API).
    public func rateCard(subscriptionID: String, offerDurableID: String, currency: String, locale: String, region: String) async throws -> FetchedPage {
        let filter = "OfferDurableId eq '\(offerDurableID)' and Currency eq '\(currency)' and Locale eq '\(locale)' and RegionInfo eq '\(region)'"
        let query = URLText.query([("api-version", configuration.apiVersion), ("$filter", filter)])
        let url = "\(configuration.managementURL)/subscriptions/\(URLText.encode(subscriptionID))/providers/Microsoft.Commerce/RateCard?\(query)"
        return try await fetcher.fetch(
            url: url
        ).page
    }
}
