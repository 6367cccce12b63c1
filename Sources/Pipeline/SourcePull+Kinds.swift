import Config
import Extract
import Foundation
import Ingest
import Logging
import Streams
import WarehouseCore

extension SourcePull {
    /// Partner Center: customers, their subscriptions, the Azure rate card (snapshots, applied
    /// every run), then utilization of every usage-based subscription, day by day, with one
    /// checkpoint per subscription (`utilization/<id>`), so a subscription added later starts at
    /// the backfill day without re-reading the others.
    /// https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure
    func partnerCenter(_ credentials: AzureADCredentials) async throws -> [String] {
        let client = PartnerCenterClient(
            configuration: PartnerCenterConfiguration(
                baseURL: source.url ?? "https://api.partnercenter.microsoft.com/v1",
                authorityURL: source.authorityURL ?? "https://login.microsoftonline.com", tenant: source.tenant ?? "",
                credentials: credentials),
            http: http, logger: logger)
        var customers: [String] = []
        for try await page in client.customers() {
            try loader.load(page, options: options(.pcCustomers), skipIfStored: false)
            customers += try PartnerCenterClient.customerIDs(in: page)
        }
        var targets: [(customer: String, subscription: String)] = []
        for customer in customers {
            let (page, usageIDs) = try await client.subscriptions(customerID: customer)
            try loader.load(page, options: options(.pcSubscriptions, customer: customer), skipIfStored: false)
            targets += usageIDs.map { (customer, $0) }
        }
        try loader.load(try await client.rateCard(currency: source.currency, region: source.region), options: options(.pcRateCard), skipIfStored: false)
        return try await forEach(targets) { target in
            try await self.daily(
                stream: StreamSpec.pcUtilization.checkpoint(subscription: target.subscription),
                options: self.options(.pcUtilization, customer: target.customer, subscription: target.subscription)
            ) { from, to, each in
                for try await page in client.utilization(customerID: target.customer, subscriptionID: target.subscription, from: from, to: to) {
                    try await each(page)
                }
            }
        }
    }

    /// Azure Commerce (direct subscriptions): the offer's rate card, then UsageAggregates of each
    /// configured subscription, day by day (`usage/<id>` checkpoints).
    /// https://learn.microsoft.com/previous-versions/azure/reference/mt219001(v=azure.100)
    func azureCommerce(_ credentials: AzureADCredentials) async throws -> [String] {
        let client = AzureCommerceClient(
            configuration: AzureCommerceConfiguration(
                managementURL: source.url ?? "https://management.azure.com",
                authorityURL: source.authorityURL ?? "https://login.microsoftonline.com", tenant: source.tenant ?? "",
                credentials: credentials),
            http: http, logger: logger)
        let card = try await client.rateCard(
            subscriptionID: source.subscriptions[0], offerDurableID: source.offerDurableID ?? "MS-AZR-0003P", currency: source.currency ?? "USD",
            locale: source.locale ?? "en-US", region: source.region ?? "US")
        try loader.load(card, options: options(.azureRateCard), skipIfStored: false)
        return try await forEach(source.subscriptions) { subscription in
            try await self.daily(stream: StreamSpec.azureUsage.checkpoint(subscription: subscription), options: self.options(.azureUsage, subscription: subscription)) { from, to, each in
                for try await page in client.usageAggregates(subscriptionID: subscription, from: from, to: to) { try await each(page) }
            }
        }
    }

    /// ArcGIS Online: portals/self, users (budgets), items (storage) as today's snapshots, then
    /// credit usage for the window, one day a request, each day's page carrying the `usage`
    /// checkpoint. Usage older than the API keeps (two years) is not asked for.
    /// https://developers.arcgis.com/rest/users-groups-and-items/portal-self/
    func arcgis(_ credentials: ArcGISCredentials) async throws -> [String] {
        let client = ArcGISClient(sharingURL: source.url ?? "https://www.arcgis.com/sharing/rest", credentials: credentials, http: http, logger: logger)
        let asOf = options.now
        let (portal, org) = try await client.portal()
        try loader.load(portal, options: options(.agolSelf, org: org, asOf: asOf), skipIfStored: false)
        try await client.users(orgID: org) { page in
            try loader.load(page, options: options(.agolUsers, org: org, asOf: asOf), skipIfStored: false)
        }
        try await client.items(orgID: org) { page, attachmentBytes in
            var itemOptions = options(.agolItems, org: org, asOf: asOf)
            itemOptions.attachmentBytes = attachmentBytes
            try loader.load(page, options: itemOptions, skipIfStored: false)
        }
        try loader.advance(stream: "snapshots", to: asOf.startOfDay)
        // One request per UTC day, like the Azure streams: a re-pulled day is asked the same
        // question as the first time, so unchanged data comes back byte for byte and is skipped.
        let usage = try await daily(
            stream: StreamSpec.agolUsage.checkpoint(), options: options(.agolUsage, org: org),
            earliest: options.now.startOfDay.adding(days: 1 - ArcGISClient.usageRetentionDays)
        ) { from, to, each in
            try await client.usage(orgID: org, from: from, to: to, now: options.now, each)
        }
        return ["snapshots: \(asOf.day)"] + (usage.map { [$0] } ?? [])
    }

    /// A folder of files (cost exports dropped by Azure, credits reports saved by hand): every
    /// file matching `path` not stored yet is imported; a stored file is skipped by its bytes.
    func files() throws -> [String] {
        guard let pattern = source.path, let kind = source.importKind else { return [] }
        let paths = try FileGlob.paths(pattern)
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ImportError(file: path, message: "cannot read the file")
            }
            let page = FetchedPage(request: path, body: data, fetchedAt: options.now)
            try loader.load(page, options: options(kind), skipIfStored: true)
        }
        return ["files: \(paths.count) matching \(pattern)"]
    }
}
