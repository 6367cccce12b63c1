import Foundation
import Load
import Transform
import WarehouseCore

/// Writes a `FactBatch` through `FactStore` (one cached statement per table) inside the caller's
/// transaction: facts to rows, exact decimals as canonical text.
public struct FactWriter {
    public struct Counts: Sendable, Equatable {
        /// Rows inserted, changed or (stale rate tiers) deleted.
        public var written = 0
        /// Rows already there, identical.
        public var unchanged = 0
    }

    let db: Database

    public init(db: Database) { self.db = db }

    /// Upserts every fact of `batch`, each fact row pointing at raw page `pageID`.
    @discardableResult
    public func write(_ batch: FactBatch, pageID: Int64?) throws -> Counts {
        var scopes: Set<UsageFactStore.Scope> = []
        return try write(batch, pageID: pageID, touching: &scopes)
    }

    /// `write`, adding to `scopes` the pricing scopes of the usage rows it inserted or changed.
    @discardableResult
    public func write(_ batch: FactBatch, pageID: Int64?, touching scopes: inout Set<UsageFactStore.Scope>) throws -> Counts {
        let store = FactStore(db)
        func text(_ d: Decimal?) -> String? { d.map(ExactDecimal.format) }
        try store.upsert(
            FactStore.customers, rows: batch.customers.map { [$0.source, $0.customerID, $0.companyName, $0.domain, $0.tenantID, $0.relationship] })
        try store.upsert(
            FactStore.subscriptions,
            rows: batch.subscriptions.map { [$0.source, $0.subscriptionID, $0.customerID, $0.offerID, $0.offerName, $0.billingType, $0.status] })
        try store.upsert(
            FactStore.users,
            rows: batch.users.map { [$0.source, $0.userName, $0.orgID, $0.fullName, $0.email, $0.role, $0.tags, $0.disabled, $0.createdAt] })
        try store.upsert(
            FactStore.meters, rows: batch.meters.map { [$0.source, $0.meterID, $0.name, $0.category, $0.subcategory, $0.region, $0.unit] })
        try store.upsert(
            FactStore.resources,
            rows: batch.resources.map {
                [$0.source, $0.resourceID, $0.subscriptionID, $0.resourceGroup, $0.providerType, $0.name, $0.location, $0.owner, $0.tags]
            })
        try writeRates(batch, pageID: pageID, store: store)
        try store.upsert(
            FactStore.offerTerms,
            rows: batch.offerTerms.map {
                [$0.source, $0.name, $0.currency, $0.effectiveDate, ExactDecimal.format($0.discount), Normalize.jsonArray($0.excludedMeterIDs), pageID]
            })
        try store.upsertUsage(batch.usage.map { FactWriter.usageRow($0, pageID: pageID) })
        try store.upsert(
            FactStore.storageSnapshots,
            rows: batch.storageSnapshots.map {
                [
                    $0.source, $0.itemID, $0.snapshotDate, $0.owner, $0.itemType, $0.title, $0.storageClass, $0.sizeBytes, $0.featureBytes,
                    $0.attachmentBytes, pageID,
                ]
            })
        try store.upsert(
            FactStore.creditBudgets,
            rows: batch.creditBudgets.map { [$0.source, $0.userName, $0.snapshotDate, text($0.assignedCredits), text($0.availableCredits), pageID] })
        try store.upsert(
            FactStore.orgCredits,
            rows: batch.orgCredits.map { [$0.source, $0.orgID, $0.snapshotDate, ExactDecimal.format($0.availableCredits), $0.budgetingEnabled, pageID] })
        scopes.formUnion(store.touchedScopes)
        return Counts(written: store.written, unchanged: store.unchanged)
    }

    /// Rate tiers: a meter's tiers on an effective date are replaced whole (a tier the card no
    /// longer lists is deleted), then upserted.
    private func writeRates(_ batch: FactBatch, pageID: Int64?, store: FactStore) throws {
        var tiers: [[String]: Set<String>] = [:]
        for rate in batch.rates {
            tiers[[rate.source, rate.meterID, rate.currency, rate.effectiveDate], default: []].insert(ExactDecimal.format(rate.tierMin))
        }
        for (key, keep) in tiers {
            try store.deleteTiers(source: key[0], meterID: key[1], currency: key[2], effectiveDate: key[3], keeping: keep)
        }
        try store.upsert(
            FactStore.rates,
            rows: batch.rates.map {
                [
                    $0.source, $0.meterID, $0.currency, $0.effectiveDate, ExactDecimal.format($0.tierMin), ExactDecimal.format($0.unitPrice),
                    ExactDecimal.format($0.includedQuantity), $0.tierMode, pageID,
                ]
            })
    }

    /// A usage fact as a `usage_facts` row.
    static func usageRow(_ fact: UsageFact, pageID: Int64?) -> UsageFactStore.Row {
        var row = UsageFactStore.Row(
            source: fact.source, accountID: fact.accountID, resourceID: fact.resourceID, meterID: fact.meterID, usageStart: fact.usageStart,
            usageEnd: fact.usageEnd, quantity: ExactDecimal.format(fact.quantity), unit: fact.unit, customerID: fact.customerID,
            subscriptionID: fact.subscriptionID, resourceGroup: fact.resourceGroup, userName: fact.userName, location: fact.location,
            tags: fact.tags, cost: fact.cost.map(ExactDecimal.format), costCurrency: fact.costCurrency, pageID: pageID,
            reportedStart: fact.reportedStart, reportedEnd: fact.reportedEnd)
        row.charge = fact.charge
        return row
    }
}
