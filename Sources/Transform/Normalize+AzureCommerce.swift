import Extract
import Foundation
import WarehouseCore

extension Normalize {
    /// An Azure Commerce UsageAggregates page: the account is each record's `subscriptionId`,
    /// else `subscription`, else the resourceUri's subscription. The reported window is the one
    /// the page's `nextLink` names, else `reported` (the request's `reportedStartTime`/`reportedEndTime`).
    public static func azureUsage(
        _ page: AzureUsageAggregatesPage, source: String, subscription: String?, reported: ReportedWindow? = nil, file: String
    ) throws -> FactBatch {
        let window = try ReportedWindow.resolve(page: ReportedWindow.of(page), given: reported, file: file)
        var batch = FactBatch()
        batch.reportedWindow = window
        batch.answerContinues = !(page.nextLink ?? "").isEmpty
        if let subscription { batch.reportedAccounts.insert(subscription.lowercased()) }
        var memo = AzureUsageMemo()
        for (i, record) in page.items.enumerated() {
            let fromURI = record.resourceURI.map { ResourceURI(parsing: $0).subscriptionID } ?? nil
            guard let account = record.subscriptionID?.lowercased() ?? subscription?.lowercased() ?? fromURI else {
                throw NormalizeError(file: file, message: "value[\(i)] names no subscription: pass --subscription for this file")
            }
            batch.reportedAccounts.insert(account)
            try addAzureUsage(
                record, source: source, account: account, customer: nil, window: window, to: &batch, memo: &memo,
                at: RecordPlace(file: file, index: i))
        }
        return batch
    }

    /// A rate card (Partner Center or Azure Commerce): one `rates` row per tier (thresholds sorted
    /// as numbers), its meters and offer terms. Effective dates are UTC.
    public static func rateCard(_ card: RateCardDocument, source: String) -> FactBatch {
        var batch = FactBatch()
        let currency = card.currency.uppercased()
        for meter in card.meters {
            batch.records += 1
            let meterID = meter.meterID.lowercased()
            for tier in meter.tiers {
                batch.rates.append(
                    RateFact(
                        source: source, meterID: meterID, currency: currency, effectiveDate: meter.effectiveDate.iso8601,
                        tierMin: tier.threshold, unitPrice: tier.unitPrice, includedQuantity: meter.includedQuantity))
            }
            batch.add(
                MeterFact(
                    source: source, meterID: meterID, name: meter.name, category: nonEmpty(meter.category),
                    subcategory: nonEmpty(meter.subcategory), region: nonEmpty(meter.region), unit: meter.unit))
        }
        batch.offerTerms = card.offerTerms.map {
            OfferTermFact(
                source: source, name: $0.name, currency: currency, effectiveDate: $0.effectiveDate.iso8601, discount: $0.discount,
                excludedMeterIDs: $0.excludedMeterIDs.map { $0.lowercased() })
        }
        return batch
    }
}
