import Foundation
import Load
import WarehouseCore

extension FocusExport {
    /// Where the charge's columns start in the export's query: the kind's three, then the terms'.
    static let chargeColumnsStart = 25

    /// The charge's kind (`charge_kinds`) and terms (`charge_terms`, in `ChargeTerms.termColumns`
    /// order) of each row; NULL for usage the warehouse priced.
    static let chargeColumns = (["k.charge_type", "k.pricing_model", "NULLIF(k.benefit_id, '')"]
        + ChargeTerms.termColumns.map { "t.\($0)" }).joined(separator: ", ")

    /// The Cost Management columns each `charge_terms` column was read from, by agreement
    /// (`CostExport.ChargeColumns` reads them); the document maps EA's BillingAccount and MCA's
    /// BillingProfile to the FOCUS billing account.
    static func termSourceColumns(mca: Bool) -> [String] {
        [
            "x_Agreement", mca ? "BillingProfileId" : "BillingAccountId", mca ? "BillingProfileName" : "BillingAccountName",
            "SubscriptionName", "InvoiceId", "PartnerName", "PublisherName", "Frequency", "ConsumedService", "ProductName", "ProductId",
            "UnitPrice", "PayGPrice", "ExchangeRatePricingToBilling", "PricingCurrency", "BenefitName", "AdditionalInfo",
        ]
    }

    /// A row of an imported cost export (schema version 7 on) as the Cost Management columns it
    /// was imported from, converted as "Convert Cost Management data to FOCUS" says
    /// (https://learn.microsoft.com/cloud-computing/finops/focus/convert): ChargeType,
    /// PricingModel and BenefitId from the kind; UnitPrice (ContractedUnitPrice), PayGPrice
    /// (ListUnitPrice), Frequency, ConsumedService, AdditionalInfo and the rest from the terms;
    /// the cost is the warehouse's charge, which for an export's row is the cost it billed (in
    /// micro-units), never a rate card's price.
    static func costExportRow(_ row: Row, quantity: String, cost: String) -> FocusRow {
        func text(_ index: Int) -> String? { row.optionalString(index).flatMap { $0.isEmpty ? nil : $0 } }
        let start = chargeColumnsStart
        let mca = text(start + 3) == "MCA"
        var columns: [String: String?] = [
            "ChargeType": text(start), "PricingModel": text(start + 1), "BenefitId": text(start + 2),
            "Quantity": quantity, "UnitOfMeasure": text(14), "CostInBillingCurrency": cost,
            mca ? "BillingCurrency" : "BillingCurrencyCode": row.string(1), "SubscriptionId": text(4), "MeterId": row.string(8),
            "MeterName": text(9), "MeterCategory": text(10), "MeterSubCategory": text(11), "ResourceLocation": text(17) ?? text(12),
            "ResourceId": text(15), "ResourceName": text(16), "ResourceGroup": text(20),
        ]
        for (offset, column) in termSourceColumns(mca: mca).enumerated() { columns[column] = text(start + 3 + offset) }
        if text(15) == nil { columns["ResourceName"] = nil }
        return FocusMapping.azure(
            FocusMapping.CostRow(columns.compactMapValues { $0 }), origin: mca ? .microsoftCustomerAgreement : .enterpriseAgreement)
    }
}
