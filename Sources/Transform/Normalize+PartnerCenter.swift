import Extract
import Foundation
import WarehouseCore

extension Normalize {
    /// A Partner Center utilization page. The subscription (the usage's `account_id`) and customer
    /// come from the page's `links.self.uri` (`customers/{cid}/subscriptions/{sid}/...`) when it has
    /// one, else from `customer`/`subscription` (the `--customer`/`--subscription` options). The
    /// subscription inside a record's resourceUri may differ (Azure Stack, transfers): it goes to
    /// `subscription_id`. The reported window is the page's own (`ReportedWindow.of`), else
    /// `reported`; every row carries it (late usage reported another day is another row).
    public static func partnerCenterUtilization(
        _ page: PartnerCenterUtilizationPage, source: String, customer: String?, subscription: String?, reported: ReportedWindow? = nil,
        file: String
    ) throws -> FactBatch {
        let fromLink = page.customerAndSubscription
        guard let account = fromLink.subscription ?? subscription?.lowercased() else {
            throw NormalizeError(
                file: file,
                message: "the page names no subscription (no links.self.uri): pass --subscription (and --customer) for this file")
        }
        let customerID = fromLink.customer ?? customer?.lowercased()
        let window = try ReportedWindow.resolve(page: ReportedWindow.of(page), given: reported, file: file)
        var batch = FactBatch()
        batch.reportedWindow = window
        batch.reportedAccounts = [account]
        batch.answerContinues = page.links.next != nil
        batch.reserveUsage(page.items.count)
        var memo = AzureUsageMemo()
        for (index, record) in page.items.enumerated() {
            try addAzureUsage(
                record, source: source, account: account, customer: customerID, window: window, to: &batch, memo: &memo,
                at: RecordPlace(file: file, index: index))
        }
        return batch
    }

    /// Where a record is, for a message naming it.
    struct RecordPlace {
        var file: String
        var index: Int
    }

    static func addAzureUsage(
        _ record: AzureUsageRecord, source: String, account: String, customer: String?, window: ReportedWindow, to batch: inout FactBatch,
        memo: inout AzureUsageMemo, at place: RecordPlace
    ) throws {
        // The same bound as the CSV imports' (ImportBounds): a quantity past it is a broken or
        // hostile document, refused naming the record, not summed into an invoice.
        guard record.quantity.magnitude <= ImportBounds.magnitude else {
            throw NormalizeError(
                file: place.file,
                message: "record \(place.index + 1) (meter \(record.meterID), \(memo.iso8601(record.usageStart))): quantity \(record.quantity) "
                    + "is out of range: at most ±1,000,000,000 per row")
        }
        batch.records += 1
        let meterID = record.meterID.asciiLowercased
        let (parts, tags) = memo.resource(record.resourceURI, tags: record.tags)
        var fact = UsageFact(
            source: source, accountID: account, resourceID: record.resourceURI ?? "", meterID: meterID,
            usageStart: memo.iso8601(record.usageStart), usageEnd: memo.iso8601(record.usageEnd), quantity: record.quantity,
            unit: record.unit)
        fact.reportedStart = memo.iso8601(window.start)
        fact.reportedEnd = memo.iso8601(window.end)
        fact.customerID = customer
        fact.subscriptionID = parts.subscriptionID ?? account
        fact.resourceGroup = parts.resourceGroup
        fact.location = record.location ?? record.meterRegion
        fact.tags = tags
        batch.add(fact)
        batch.add(
            MeterFact(
                source: source, meterID: meterID, name: record.meterName, category: nonEmpty(record.meterCategory),
                subcategory: nonEmpty(record.meterSubcategory), region: nonEmpty(record.meterRegion), unit: record.unit))
        if let uri = record.resourceURI, !uri.isEmpty {
            batch.add(
                ResourceFact(
                    source: source, resourceID: uri, subscriptionID: parts.subscriptionID, resourceGroup: parts.resourceGroup,
                    providerType: parts.providerType, name: parts.name, location: record.location, owner: nil, tags: tags))
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// Partner Center customers.
    public static func partnerCenterCustomers(_ page: PartnerCenterCustomersPage, source: String) -> FactBatch {
        var batch = FactBatch()
        batch.records = page.items.count
        batch.customers = page.items.map {
            CustomerFact(
                source: source, customerID: $0.id.lowercased(), companyName: $0.companyName, domain: $0.domain,
                tenantID: $0.tenantID?.lowercased(), relationship: $0.relationship)
        }
        return batch
    }

    /// Partner Center subscriptions of one customer: the customer from each item's own link,
    /// else `customer` (`--customer`).
    public static func partnerCenterSubscriptions(_ page: PartnerCenterSubscriptionsPage, source: String, customer: String?) -> FactBatch {
        var batch = FactBatch()
        batch.records = page.items.count
        batch.subscriptions = page.items.map {
            SubscriptionFact(
                source: source, subscriptionID: $0.id.lowercased(), customerID: $0.customerID ?? customer?.lowercased(),
                offerID: $0.offerID, offerName: $0.offerName, billingType: $0.billingType, status: $0.status)
        }
        return batch
    }
}
