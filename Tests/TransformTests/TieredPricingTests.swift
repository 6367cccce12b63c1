import Foundation
import TestSupport
import Testing
import Transform
import WarehouseCore

/// A named case of a rate card and a scope total.
struct TierCase: CustomTestStringConvertible, Sendable {
    let name: String
    let rates: [(String, String)]
    let included: String
    let total: String
    let expected: String
    var testDescription: String { name }

    init(_ name: String, _ rates: [(String, String)], included: String = "0", total: String, expected: String) {
        self.name = name
        self.rates = rates
        self.included = included
        self.total = total
        self.expected = expected
    }

    func card(_ mode: TierMode) throws -> RateCard {
        try #require(RateCard(
            currency: "USD", effectiveDay: "2026-01-01", rates: rates.map { (tierMinimum: $0.0, unitPrice: $0.1) },
            includedQuantity: included, mode: mode))
    }
}


@Suite struct TieredPricingTests {
    static let azureEgress = [("0", "0.0832"), ("1024", "0.0819"), ("51200", "0.0806"), ("512000", "0.0794")]

    static let graduated: [TierCase] = [
        TierCase("250 over {0: 1.00, 200: 0.90} is 245", [("0", "1.00"), ("200", "0.90")], total: "250", expected: "245"),
        TierCase("16 over {0: 1, 5: 2} with 5 included is 17", [("0", "1"), ("5", "2")], included: "5", total: "16", expected: "17"),
        TierCase("exactly at a threshold fills the band below only", [("0", "1.00"), ("200", "0.90")], total: "200", expected: "200"),
        TierCase("just past a threshold", [("0", "1.00"), ("200", "0.90")], total: "200.5", expected: "200.45"),
        TierCase("fractional quantity in the first band", [("0", "1.00"), ("200", "0.90")], total: "0.25", expected: "0.25"),
        TierCase("thresholds sorted as numbers, not text", [("10240", "0.05"), ("5", "0.08"), ("0", "0.1")], total: "10245",
                 expected: "819.55"),
        TierCase("real egress card, 2000 GB", azureEgress, total: "2000", expected: "165.1312"),
        TierCase("inside the included quantity", [("0", "1"), ("5", "2")], included: "5", total: "3", expected: "0"),
        TierCase("exactly the included quantity", [("0", "1"), ("5", "2")], included: "5", total: "5", expected: "0"),
        TierCase("included shifts the next threshold too", [("0", "1"), ("5", "2")], included: "5", total: "10", expected: "5"),
        TierCase("a lowest key above zero still prices from zero", [("100", "2")], total: "50", expected: "100"),
        TierCase("zero costs nothing", [("0", "1.00")], total: "0", expected: "0"),
        TierCase("a negative total is a credit at the first band's price", [("0", "1.00"), ("200", "0.90")], total: "-5",
                 expected: "-5"),
        TierCase("a negative total of free usage is free", [("0", "1"), ("5", "2")], included: "5", total: "-3", expected: "0"),
        TierCase("same number twice keeps the first", [("5", "2"), ("0", "1"), ("5.0", "9")], total: "6", expected: "7"),
    ]

    @Test(arguments: graduated)
    func graduatedTiers(_ c: TierCase) throws {
        let card = try c.card(.graduated)
        #expect(card.cost(of: dec(c.total)) == dec(c.expected))
        #expect(card.bands(for: dec(c.total)).reduce(Decimal(0)) { $0 + $1.amount } == dec(c.expected))
    }

    static let volume: [TierCase] = [
        TierCase("250 over {0: 1.00, 200: 0.90} by volume is 225", [("0", "1.00"), ("200", "0.90")], total: "250", expected: "225"),
        TierCase("exactly at a threshold reaches it", [("0", "1.00"), ("200", "0.90")], total: "200", expected: "180"),
        TierCase("just below a threshold", [("0", "1.00"), ("200", "0.90")], total: "199.5", expected: "199.5"),
        TierCase("included then the rest at the tier reached", [("0", "1"), ("5", "2")], included: "5", total: "16", expected: "22"),
        TierCase("inside the included quantity", [("0", "1"), ("5", "2")], included: "5", total: "4", expected: "0"),
        TierCase("negative total at the first price", [("0", "1.00"), ("200", "0.90")], total: "-2", expected: "-2"),
    ]

    @Test(arguments: volume)
    func volumeTiers(_ c: TierCase) throws {
        #expect(try c.card(.volume).cost(of: dec(c.total)) == dec(c.expected))
    }

    @Test func bandsOfThe245CaseAreTheSchemaExample() throws {
        let card = try TierCase("", [("200", "0.90"), ("0", "1.00")], total: "250", expected: "245").card(.graduated)
        #expect(PriceBand.json(card.bands(for: 250)) == """
            [{"from":"0","to":"200","quantity":"200","unit_price":"1","amount":"200"},\
            {"from":"200","to":null,"quantity":"50","unit_price":"0.9","amount":"45"}]
            """)
    }

    @Test func bandsOfThe17CaseStartWithTheFreeBand() throws {
        let card = try TierCase("", [("0", "1"), ("5", "2")], included: "5", total: "16", expected: "17").card(.graduated)
        #expect(PriceBand.json(card.bands(for: 16)) == """
            [{"from":"0","to":"5","quantity":"5","unit_price":"0","amount":"0"},\
            {"from":"5","to":"10","quantity":"5","unit_price":"1","amount":"5"},\
            {"from":"10","to":null,"quantity":"6","unit_price":"2","amount":"12"}]
            """)
    }

    @Test func negativeTotalIsOneBandWithNegativeQuantity() throws {
        let card = try TierCase("", [("0", "1.00"), ("200", "0.90")], total: "-5", expected: "-5").card(.graduated)
        #expect(PriceBand.json(card.bands(for: -5)) == """
            [{"from":"0","to":"200","quantity":"-5","unit_price":"1","amount":"-5"}]
            """)
    }

    @Test func cardWithoutTiersOrWithBadNumbersIsNoCard() {
        #expect(RateCard(currency: "USD", effectiveDay: "2026-01-01", tiers: []) == nil)
        #expect(RateCard(currency: "USD", effectiveDay: "2026-01-01", rates: [(tierMinimum: "0", unitPrice: "1,5")]) == nil)
        #expect(RateCard(currency: "USD", effectiveDay: "2026-01-01", rates: [(tierMinimum: "abc", unitPrice: "1")]) == nil)
    }

    static let effective: [(String, String, String?)] = [
        ("before the first card", "2025-12-31", nil),
        ("on the first card's day", "2026-01-01", "1"),
        ("between cards", "2026-03-15", "1"),
        ("on the second card's day", "2026-04-01", "2"),
        ("after the last card", "2027-01-01", "3"),
    ]

    @Test(arguments: effective)
    func latestCardOnOrBeforeTheDay(_ name: String, day: String, price: String?) throws {
        let cards = try [("2026-12-01", "3"), ("2026-01-01", "1"), ("2026-04-01", "2")].map { day, price in
            try #require(RateCard(currency: "USD", effectiveDay: day, tiers: [RateTier(minimum: 0, unitPrice: dec(price))]))
        }
        let schedule = RateSchedule(cards)
        #expect(schedule.card(on: day)?.tiers.first?.unitPrice == price.map(dec), "\(name)")
    }
}
