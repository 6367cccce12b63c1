import Extract
import Foundation
import Testing

/// Azure Commerce rate card offer terms as commerce.json defines them: a `Monetary Commitment`
/// carries `TieredDiscount` (commitment level → discount percentage), read as the lowest level's
/// discount, a fraction; `Monetary Credit` and `Recurring Charge` carry none.
struct AzureOfferTermTests {
    @Test(arguments: [
        (#"{"Name":"Monetary Commitment","EffectiveDate":"2024-01-01T00:00:00Z","TieredDiscount":{"0":10},"ExcludedMeterIds":["m1"]}"#, "0.1"),
        (#"{"Name":"Monetary Commitment","EffectiveDate":"2024-01-01T00:00:00Z","TieredDiscount":{"10000":5,"0":2.5}}"#, "0.025"),
        (#"{"Name":"Monetary Credit","EffectiveDate":"2024-01-01T00:00:00Z","Credit":100,"ExcludedMeterIds":[]}"#, "0"),
        (#"{"Name":"Recurring Charge","EffectiveDate":"2024-01-01T00:00:00Z","RecurringCharge":10}"#, "0"),
        (#"{"Name":"Overage discount","EffectiveDate":"2014-01-01T00:00:00Z","Discount":0.15}"#, "0.15"),
    ])
    func offerTermDiscount(term: String, discount: String) throws {
        let card = #"{"Currency":"USD","OfferTerms":["# + term + #"],"Meters":[]}"#
        let decoded = try AzureRateCard.decode(Data(card.utf8), file: "ratecard.json")
        #expect(decoded.offerTerms.first?.discount == Decimal(string: discount))
    }

    @Test func aTieredDiscountThatIsNotANumberIsRefused() {
        let card = #"{"OfferTerms":[{"Name":"Monetary Commitment","EffectiveDate":"2024-01-01T00:00:00Z","TieredDiscount":{"x":1}}],"Meters":[]}"#
        #expect(throws: (any Error).self) { try AzureRateCard.decode(Data(card.utf8), file: "ratecard.json") }
    }
}
