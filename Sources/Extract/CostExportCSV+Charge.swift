import Foundation
import WarehouseCore

extension CostExport {
    /// Where a cost export's header keeps the columns of `ChargeTerms`: the Cost Management
    /// columns that "Convert Cost Management data to FOCUS"
    /// (https://learn.microsoft.com/cloud-computing/finops/focus/convert) maps and the warehouse
    /// has no other place for. EA and MCA exports name the billing account differently (EA
    /// `BillingAccountId`, MCA `BillingProfileId`); an export with MCA's pricing-currency columns
    /// is read as MCA, any other (EA, pay-as-you-go) as EA.
    struct ChargeColumns {
        let agreement: String
        let text: [WritableKeyPath<ChargeTerms, String?>: Int]
        let numbers: [(WritableKeyPath<ChargeTerms, String?>, Int, String)]

        init(_ header: CSVHeader) {
            let mca = header.index(["ExchangeRatePricingToBilling", "PricingCurrency", "CostInPricingCurrency"]) != nil
            agreement = mca ? "MCA" : "EA"
            let columns: [(WritableKeyPath<ChargeTerms, String?>, [String])] = [
                (\.chargeType, Column.chargeType), (\.pricingModel, ["PricingModel"]), (\.benefitID, ["BenefitId"]),
                (\.billingAccountID, mca ? ["BillingProfileId"] : ["BillingAccountId"]),
                (\.billingAccountName, mca ? ["BillingProfileName"] : ["BillingAccountName"]),
                (\.subscriptionName, ["SubscriptionName"]), (\.invoiceID, ["InvoiceId"]), (\.partnerName, ["PartnerName"]),
                (\.publisherName, ["PublisherName"]), (\.frequency, ["Frequency"]), (\.consumedService, ["ConsumedService"]),
                (\.productName, ["ProductName", "Product"]), (\.productID, ["ProductId"]), (\.pricingCurrency, ["PricingCurrency"]),
                (\.benefitName, ["BenefitName"]), (\.additionalInfo, ["AdditionalInfo"]),
            ]
            var text: [WritableKeyPath<ChargeTerms, String?>: Int] = [:]
            for (path, aliases) in columns { text[path] = header.index(aliases) }
            self.text = text
            numbers = [(\.unitPrice, ["UnitPrice"]), (\.payGPrice, ["PayGPrice"]), (\.exchangeRate, ["ExchangeRatePricingToBilling"])]
                .compactMap { path, aliases in header.index(aliases).map { (path, $0, header.names[$0]) } }
        }

        /// One line's terms; a price that is not a number, or `AdditionalInfo` that is not a JSON
        /// object, is `problem`'s error naming the column.
        func read(_ field: (Int?) -> String?, problem: (String) -> DocumentError) throws -> ChargeTerms {
            var terms = ChargeTerms()
            terms.agreement = agreement
            for (path, index) in text { terms[keyPath: path] = field(index) }
            for (path, index, name) in numbers {
                guard let value = field(index) else { continue }
                terms[keyPath: path] = ExactDecimal.format(try ImportBounds.number(value, in: name, problem: problem))
            }
            if let info = terms.additionalInfo {
                guard case .object? = try? JSONParser.parse(info) else {
                    throw problem("expected AdditionalInfo as a JSON object, found '\(info.prefix(60))'")
                }
            }
            return terms
        }
    }
}
