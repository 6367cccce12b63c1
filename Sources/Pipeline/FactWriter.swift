import Foundation
import Load
import Transform
import WarehouseCore

/// Writes a `FactBatch` with `BulkUpsert` (one cached statement per table) inside the caller's
/// transaction. Rows already present unchanged are not written, so loading a document twice
/// changes nothing.
public struct FactWriter {
    public struct Counts: Sendable, Equatable {
        /// Rows inserted or changed.
        public var written = 0
        /// Rows already there, identical.
        public var unchanged = 0
    }

    let db: Database

    public init(db: Database) { self.db = db }

    /// Upserts every fact of `batch`, each row pointing at raw page `pageID`.
    @discardableResult
    public func write(_ batch: FactBatch, pageID: Int64?) throws -> Counts {
        precondition(db.isInTransaction, "FactWriter.write must run inside a transaction")
        var counts = Counts()
        func run(_ table: String, _ columns: [String], key: [String], _ rows: [[any SQLBindable]]) throws {
            guard !rows.isEmpty else { return }
            let upsert = try BulkUpsert(db, table: table, columns: columns, key: key)
            for row in rows {
                if try upsert.upsert(row) { counts.written += 1 } else { counts.unchanged += 1 }
            }
        }
        func text(_ d: Decimal?) -> String? { d.map(ExactDecimal.format) }

        try run(
            "customers", ["source", "customer_id", "company_name", "domain", "tenant_id", "relationship"], key: ["source", "customer_id"],
            batch.customers.map { [$0.source, $0.customerID, $0.companyName, $0.domain, $0.tenantID, $0.relationship] })
        try run(
            "subscriptions", ["source", "subscription_id", "customer_id", "offer_id", "offer_name", "billing_type", "status"],
            key: ["source", "subscription_id"],
            batch.subscriptions.map { [$0.source, $0.subscriptionID, $0.customerID, $0.offerID, $0.offerName, $0.billingType, $0.status] })
        try run(
            "users", ["source", "user_name", "org_id", "full_name", "email", "role", "tags", "disabled", "created_at"],
            key: ["source", "user_name"],
            batch.users.map { [$0.source, $0.userName, $0.orgID, $0.fullName, $0.email, $0.role, $0.tags, $0.disabled, $0.createdAt] })
        try run(
            "meters", ["source", "meter_id", "name", "category", "subcategory", "region", "unit"], key: ["source", "meter_id"],
            batch.meters.map { [$0.source, $0.meterID, $0.name, $0.category, $0.subcategory, $0.region, $0.unit] })
        try run(
            "resources",
            ["source", "resource_id", "subscription_id", "resource_group", "provider_type", "name", "location", "owner", "tags"],
            key: ["source", "resource_id"],
            batch.resources.map {
                [$0.source, $0.resourceID, $0.subscriptionID, $0.resourceGroup, $0.providerType, $0.name, $0.location, $0.owner, $0.tags]
            })
        try replaceTiers(batch.rates)
        try run(
            "rates",
            ["source", "meter_id", "currency", "effective_date", "tier_min", "unit_price", "included_quantity", "tier_mode", "page_id"],
            key: ["source", "meter_id", "currency", "effective_date", "tier_min"],
            batch.rates.map {
                [
                    $0.source, $0.meterID, $0.currency, $0.effectiveDate, ExactDecimal.format($0.tierMin), ExactDecimal.format($0.unitPrice),
                    ExactDecimal.format($0.includedQuantity), $0.tierMode, pageID,
                ]
            })
        try run(
            "offer_terms", ["source", "name", "currency", "effective_date", "discount", "excluded_meter_ids", "page_id"],
            key: ["source", "name", "currency", "effective_date"],
            batch.offerTerms.map {
                [$0.source, $0.name, $0.currency, $0.effectiveDate, ExactDecimal.format($0.discount), Normalize.jsonArray($0.excludedMeterIDs), pageID]
            })
        try run(
            "usage",
            [
                "source", "account_id", "resource_id", "meter_id", "usage_start", "usage_end", "quantity", "unit", "customer_id",
                "subscription_id", "resource_group", "user_name", "location", "tags", "cost", "cost_currency", "page_id",
            ],
            key: ["source", "account_id", "resource_id", "meter_id", "usage_start", "usage_end"],
            batch.usage.map {
                [
                    $0.source, $0.accountID, $0.resourceID, $0.meterID, $0.usageStart, $0.usageEnd, ExactDecimal.format($0.quantity), $0.unit,
                    $0.customerID, $0.subscriptionID, $0.resourceGroup, $0.userName, $0.location, $0.tags, text($0.cost), $0.costCurrency, pageID,
                ]
            })
        try run(
            "storage_snapshots",
            [
                "source", "item_id", "snapshot_date", "owner", "item_type", "title", "storage_class", "size_bytes", "feature_bytes",
                "attachment_bytes", "page_id",
            ],
            key: ["source", "item_id", "snapshot_date"],
            batch.storageSnapshots.map {
                [
                    $0.source, $0.itemID, $0.snapshotDate, $0.owner, $0.itemType, $0.title, $0.storageClass, $0.sizeBytes, $0.featureBytes,
                    $0.attachmentBytes, pageID,
                ]
            })
        try run(
            "credit_budgets", ["source", "user_name", "snapshot_date", "assigned_credits", "available_credits", "page_id"],
            key: ["source", "user_name", "snapshot_date"],
            batch.creditBudgets.map { [$0.source, $0.userName, $0.snapshotDate, text($0.assignedCredits), text($0.availableCredits), pageID] })
        try run(
            "org_credits", ["source", "org_id", "snapshot_date", "available_credits", "budgeting_enabled", "page_id"],
            key: ["source", "org_id", "snapshot_date"],
            batch.orgCredits.map { [$0.source, $0.orgID, $0.snapshotDate, ExactDecimal.format($0.availableCredits), $0.budgetingEnabled, pageID] })
        return counts
    }

    /// A re-pull of a card replaces its rows: tiers of the same (source, meter, currency,
    /// effective date) that the new card no longer has are deleted.
    func replaceTiers(_ rates: [RateFact]) throws {
        var tiers: [[String]: Set<String>] = [:]
        for rate in rates {
            tiers[[rate.source, rate.meterID, rate.currency, rate.effectiveDate], default: []].insert(ExactDecimal.format(rate.tierMin))
        }
        let select = try db.cached(
            "SELECT tier_min FROM rates WHERE source = ? AND meter_id = ? AND currency = ? AND effective_date = ?")
        for (key, keep) in tiers {
            let existing = try select.bind(key).map { $0.string(0) }
            for stale in existing where !keep.contains(stale) {
                try db.run(
                    "DELETE FROM rates WHERE source = ? AND meter_id = ? AND currency = ? AND effective_date = ? AND tier_min = ?",
                    key[0], key[1], key[2], key[3], stale)
            }
        }
    }
}
