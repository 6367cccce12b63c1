import Foundation
import TestSupport
import Testing
import Transform
import WarehouseCore

func card(_ day: String, _ rates: [(String, String)], included: String = "0", currency: String = "USD") -> RateCard? {
    RateCard(currency: currency, effectiveDay: day, rates: rates.map { (tierMinimum: $0.0, unitPrice: $0.1) }, includedQuantity: included)
}

func line(_ key: String, _ quantity: String, day: String = "2026-10-05") -> UsageLine {
    UsageLine(key: key, quantity: dec(quantity), day: day)
}

@Suite struct ScopePricerTests {
    let pricer = ScopePricer(creditPrice: dec("0.16"), currency: "USD")

    @Test func tiersApplyToTheMonthTotalNotToEachDay() throws {
        // The seed's bug: pricing each daily record alone would charge every day at the first tier.
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "1.00"), ("200", "0.90")]))])
        let lines = (1...10).map { line("r\($0)", "25", day: "2026-10-\($0 < 10 ? "0" : "")\($0)") }
        let price = pricer.price(lines, schedule: schedule)
        #expect(price.totalQuantity == 250)
        #expect(price.costMicros == 245_000_000)
        #expect(price.lines.allSatisfy { $0.amountMicros == 24_500_000 && $0.currency == "USD" })
    }

    @Test func theWorkedIncludedQuantityCaseAcrossRecords() throws {
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "1"), ("5", "2")], included: "5"))])
        let price = pricer.price([line("a", "4"), line("b", "4"), line("c", "8")], schedule: schedule)
        #expect(price.costMicros == 17_000_000)
        #expect(price.lines.map(\.amountMicros) == [4_250_000, 4_250_000, 8_500_000])
    }

    @Test func correctionsReduceAPositiveTotal() throws {
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "1.00"), ("200", "0.90")]))])
        let price = pricer.price([line("a", "250"), line("b", "-50")], schedule: schedule)
        #expect(price.totalQuantity == 200)
        #expect(price.costMicros == 200_000_000)
        #expect(price.lines.map(\.amountMicros) == [250_000_000, -50_000_000])
    }

    @Test func aNegativeScopeIsACreditAtTheFirstPrice() throws {
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "1.00"), ("200", "0.90")]))])
        let price = pricer.price([line("a", "10"), line("b", "-15")], schedule: schedule)
        #expect(price.costMicros == -5_000_000)
        #expect(price.lines.map(\.amountMicros) == [10_000_000, -15_000_000])
    }

    @Test func aScopeThatNetsToZeroCostsNothing() throws {
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "1.00")]))])
        let price = pricer.price([line("a", "10"), line("b", "-10")], schedule: schedule)
        #expect(price.costMicros == 0)
        #expect(price.lines.map(\.amountMicros) == [0, 0])
        #expect(price.bands.isEmpty)
    }

    @Test func aPriceChangeMidMonthPricesEachPartAtItsCardOverTheMonthTotal() throws {
        let schedule = RateSchedule([
            try #require(card("2026-01-01", [("0", "1"), ("100", "0.5")])),
            try #require(card("2026-10-15", [("0", "2"), ("100", "1")])),
        ])
        // 40 before the change, 120 after: the month total is 160 under both cards.
        // Old card: F(160) = 100 + 30 = 130, share 40/160 -> 32.5. New: F(160) = 200 + 60 = 260, 120/160 -> 195.
        let lines = [line("a", "40", day: "2026-10-14"), line("b", "120", day: "2026-10-15")]
        let price = pricer.price(lines, schedule: schedule)
        #expect(price.lines.map(\.amountMicros) == [32_500_000, 195_000_000])
        #expect(price.costMicros == 227_500_000)
        #expect(price.bands.map(\.unitPrice) == [1, dec("0.5"), 2, 1])
        #expect(price.bands.reduce(Decimal(0)) { $0 + $1.quantity } == 160)
        #expect(price.bands.reduce(Decimal(0)) { $0 + $1.amount } == dec("227.5"))
    }

    @Test func usageBeforeTheFirstCardIsUnpricedButCountsTowardTiers() throws {
        let schedule = RateSchedule([try #require(card("2026-10-10", [("0", "1"), ("100", "0.5")]))])
        let price = pricer.price([line("a", "100", day: "2026-10-01"), line("b", "100", day: "2026-10-20")], schedule: schedule)
        #expect(price.lines[0] == .unpriced)
        // F(200) = 150, half of it for the priced half of the quantity.
        #expect(price.lines[1].amountMicros == 75_000_000)
        #expect(price.costMicros == 75_000_000)
        #expect(price.hasUnpricedLines)
    }

    @Test func aMeterWithoutARateIsUnpricedNeverZero() {
        for schedule in [nil, RateSchedule([])] {
            let price = pricer.price([line("a", "3"), line("b", "4")], schedule: schedule)
            #expect(price.lines == [.unpriced, .unpriced])
            #expect(price.costMicros == nil)
            #expect(price.currency == nil)
            #expect(price.bands.isEmpty)
            #expect(price.totalQuantity == 7)
        }
    }

    static let offerCases: [(String, String, String, String)] = [
        ("a 15% term applies after tiering", "meter-a", "2026-10", "208.25"),
        ("an excluded meter pays full price", "meter-b", "2026-10", "245"),
        ("a term effective after the period start waits", "meter-a", "2026-06", "245"),
        ("the latest version of a term wins", "meter-a", "2027-02", "220.5"),
    ]

    @Test(arguments: offerCases)
    func offerTerms(_ name: String, meter: String, period: String, expected: String) throws {
        let terms = [
            OfferTerm(name: "Overage discount", currency: "USD", effectiveDay: "2026-07-01", discount: dec("0.15"),
                      excludedMeterIDs: ["METER-B"]),
            OfferTerm(name: "Overage discount", currency: "USD", effectiveDay: "2027-01-15", discount: dec("0.10"),
                      excludedMeterIDs: []),
            OfferTerm(name: "Other currency", currency: "EUR", effectiveDay: "2020-01-01", discount: dec("0.5"),
                      excludedMeterIDs: []),
        ]
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "1.00"), ("200", "0.90")]))])
        let price = pricer.price([line("a", "100", day: period + "-03"), line("b", "150", day: period + "-09")], schedule: schedule) {
            OfferTerm.discount(terms, meterID: meter, currency: $0, periodStart: period + "-01")
        }
        #expect(price.costMicros == Micros.from(dec(expected)), "\(name)")
        #expect(price.discount == dec("245") - dec(expected))
        #expect(price.lines.compactMap(\.amountMicros).reduce(0, +) == price.costMicros)
    }

    @Test func creditsArePricedPerCreditWithoutTiers() {
        let lines = [
            UsageLine(key: "u1", quantity: dec("10"), day: "2026-10-01", isCredits: true),
            UsageLine(key: "u2", quantity: dec("2.5"), day: "2026-10-02", isCredits: true),
        ]
        let price = pricer.price(lines, schedule: nil)
        #expect(price.lines.map(\.amountMicros) == [1_600_000, 400_000])
        #expect(price.costMicros == 2_000_000)
        #expect(price.currency == "USD")
        #expect(PriceBand.json(price.bands) == #"[{"from":"0","to":null,"quantity":"12.5","unit_price":"0.16","amount":"2"}]"#)
        let unpriced = ScopePricer(creditPrice: nil, currency: "USD").price(lines, schedule: nil)
        #expect(unpriced.lines == [.unpriced, .unpriced])
        #expect(unpriced.costMicros == nil)
    }

    @Test func billedCostsAreChargedAsTheyAre() throws {
        let lines = [
            UsageLine(key: "a", quantity: 3, day: "2026-10-01", billedCost: dec("1.2345675"), billedCurrency: "EUR"),
            UsageLine(key: "b", quantity: 1, day: "2026-10-02", billedCost: dec("-0.0000005"), billedCurrency: "EUR"),
        ]
        // A rate card for the meter is ignored for rows the source already priced.
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "100")]))])
        let price = pricer.price(lines, schedule: schedule)
        #expect(price.lines == [LineCharge(amountMicros: 1_234_568, currency: "EUR"), LineCharge(amountMicros: -1, currency: "EUR")])
        #expect(price.costMicros == 1_234_567)
        #expect(price.currency == "EUR")
        #expect(price.bands.isEmpty)
    }

    static let roundingCases: [(String, [String])] = [
        ("thirds", ["1", "1", "1"]),
        ("sevenths", ["1", "1", "1", "1", "1", "1", "1"]),
        ("uneven", ["0.001", "2", "3.333", "7"]),
        ("with a correction", ["5", "-1", "3"]),
    ]

    @Test(arguments: roundingCases)
    func rowsAddUpExactlyToTheScope(_ name: String, quantities: [String]) throws {
        // F(x) = min(x, 1) at 1 per unit: the cost is 1, shared in non-terminating fractions.
        let schedule = RateSchedule([try #require(card("2026-01-01", [("0", "1"), ("1", "0")]))])
        let lines = quantities.enumerated().map { line("k\($0.offset)", $0.element) }
        let price = pricer.price(lines, schedule: schedule)
        let amounts = price.lines.compactMap(\.amountMicros)
        #expect(amounts.count == lines.count)
        #expect(amounts.reduce(0, +) == 1_000_000, "\(name)")
        #expect(price.costMicros == 1_000_000)
        // Any grouping of the rows adds up to the same total.
        let odd = amounts.enumerated().filter { $0.offset % 2 == 1 }.map(\.element).reduce(0, +)
        let even = amounts.enumerated().filter { $0.offset % 2 == 0 }.map(\.element).reduce(0, +)
        #expect(odd + even == price.costMicros)
    }
}
