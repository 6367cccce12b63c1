import Extract
import Foundation
import WarehouseCore

extension Normalize {
    /// An Azure cost export: one usage row per subscription, resource, meter, day and kind of
    /// charge (charge type, pricing model, commitment: `ChargeTerms`), carrying the export's own
    /// cost (its charge is that cost, not a tiered price) and the columns Microsoft's FOCUS
    /// conversion reads. Lines sharing that key are added together.
    public static func costExport(_ export: CostExport, source: String) -> FactBatch {
        var batch = FactBatch()
        for row in export.rows {
            batch.records += 1
            let account = row.subscriptionID.lowercased()
            let meterID = row.meterID?.lowercased() ?? "unmetered"
            let parts = row.resourceID.map(ResourceURI.init(parsing:)) ?? ResourceURI()
            let tags = JSONValue.object(row.tags).serialized
            var fact = UsageFact(
                source: source, accountID: account, resourceID: row.resourceID ?? "", meterID: meterID, usageStart: row.date,
                usageEnd: row.date.adding(days: 1), quantity: row.quantity, unit: row.unit)
            fact.subscriptionID = account
            fact.resourceGroup = row.resourceGroup?.lowercased() ?? parts.resourceGroup
            fact.location = row.location
            fact.tags = tags
            fact.cost = row.cost
            fact.costCurrency = row.currency
            fact.charge = row.charge
            batch.add(fact)
            batch.add(
                MeterFact(
                    source: source, meterID: meterID, name: row.meterName, category: row.meterCategory,
                    subcategory: row.meterSubcategory, region: row.meterRegion, unit: row.unit))
            if let id = row.resourceID {
                batch.add(
                    ResourceFact(
                        source: source, resourceID: id, subscriptionID: parts.subscriptionID ?? account,
                        resourceGroup: fact.resourceGroup, providerType: parts.providerType,
                        name: row.resourceName.map { $0.isEmpty ? nil : $0 } ?? parts.name,
                        location: row.location, owner: nil, tags: tags))
            }
        }
        return batch
    }
}
