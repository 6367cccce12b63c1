import Foundation
import Testing
import Transform
import WarehouseCore

/// SplitMix64: a small seeded generator, so every run checks the same cases.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct PricingPropertyTests {
    /// A decimal with up to `places` decimals, from integers only (never through Double).
    static func decimal(_ g: inout SeededGenerator, max: Int, places: Int, allowNegative: Bool = false) -> Decimal {
        let scale = Int(pow(10, Double(places)))
        var units = Int.random(in: 0...(max * scale), using: &g)
        if allowNegative, Int.random(in: 0..<8, using: &g) == 0 { units = -units / 4 }
        return Decimal(units) / Decimal(scale)
    }

    static func randomCard(_ g: inout SeededGenerator) -> RateCard? {
        var tiers = [RateTier(minimum: 0, unitPrice: decimal(&g, max: 3, places: 4))]
        for _ in 0..<Int.random(in: 0...3, using: &g) {
            tiers.append(RateTier(minimum: Decimal(Int.random(in: 1...500, using: &g)), unitPrice: decimal(&g, max: 3, places: 4)))
        }
        tiers.shuffle(using: &g)
        return RateCard(
            currency: "USD", effectiveDay: "2026-01-01", tiers: tiers,
            includedQuantity: Bool.random(using: &g) ? 0 : Decimal(Int.random(in: 0...50, using: &g)),
            mode: Int.random(in: 0..<4, using: &g) == 0 ? .volume : .graduated)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func rowsAddUpToTheTieredCostOfEachScopeTotalInAnyOrder(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let pricer = ScopePricer(creditPrice: nil, currency: "USD")
        var rowSum: Int64 = 0
        var scopeSum: Int64 = 0
        for scope in 0..<100 {
            let card = try #require(Self.randomCard(&g))
            let schedule = RateSchedule([card])
            let lines = (0..<Int.random(in: 1...25, using: &g)).map { index in
                UsageLine(
                    key: "scope\(scope)-row\(index)", quantity: Self.decimal(&g, max: 80, places: 3, allowNegative: true),
                    day: "2026-10-\(10 + index % 18)")
            }
            let total = lines.reduce(Decimal(0)) { $0 + $1.quantity }
            let expected = try #require(Micros.from(card.cost(of: total)))
            let price = pricer.price(lines, schedule: schedule)
            let amounts = price.lines.compactMap(\.amountMicros)
            #expect(amounts.count == lines.count)
            #expect(amounts.reduce(0, +) == expected, "scope \(scope): rows add up to F(total)")
            #expect(price.costMicros == expected)
            rowSum += amounts.reduce(0, +)
            scopeSum += expected

            // Shuffled records: every row keeps its amount.
            var shuffled = Array(zip(lines, price.lines))
            shuffled.shuffle(using: &g)
            let again = pricer.price(shuffled.map(\.0), schedule: schedule)
            for (offset, pair) in shuffled.enumerated() {
                #expect(again.lines[offset] == pair.1, "scope \(scope): \(pair.0.key) changed when reordered")
            }
            #expect(again.costMicros == price.costMicros)
            #expect(PriceBand.json(again.bands) == PriceBand.json(price.bands))
        }
        #expect(rowSum == scopeSum)
    }
}
