import Foundation
import Query
import Testing

@Suite struct CentRoundingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var micros: [Int64]
        var testDescription: String { name }
    }

    static let adversarial: [Case] = [
        Case(name: "3 lines of 0.4 cent", micros: Array(repeating: 4000, count: 3)),
        Case(name: "7 lines of 0.4 cent", micros: Array(repeating: 4000, count: 7)),
        Case(name: "250 lines of 0.4 cent", micros: Array(repeating: 4000, count: 250)),
        Case(name: "0.4 cent lines and -0.4 cent corrections", micros: (0..<101).map { $0 % 3 == 0 ? -4000 : 4000 }),
        Case(name: "half cents", micros: Array(repeating: 5000, count: 9)),
        Case(name: "mixed sizes", micros: [1_234_567, 4000, 4000, 4999, 5001, -9999, 10_000_000]),
        Case(name: "all negative", micros: Array(repeating: -4000, count: 11)),
    ]

    /// Whatever the parts, the rounded parts add up to the rounded whole and each is within a cent of its value.
    @Test(arguments: adversarial)
    func partsAddUpToTheWhole(_ c: Case) {
        let total = CentRounding.cents(c.micros.reduce(0, +))
        let parts = CentRounding.apportion(totalCents: total, micros: c.micros)
        #expect(parts.reduce(0, +) == total)
        for (part, exact) in zip(parts, c.micros) {
            #expect(abs(Decimal(part) - Decimal(exact) / 10_000) < 1, "\(part) cents for \(exact) micros")
        }
    }

    @Test(arguments: [
        (Int64(4000), Int64(0)), (5000, 1), (4999, 0), (-5000, -1), (-4999, 0), (1_234_567, 123), (-1_235_000, -124),
    ])
    func centsRoundHalfAwayFromZero(micros: Int64, cents: Int64) {
        #expect(CentRounding.cents(micros) == cents)
    }

    @Test func largestRemaindersGetTheMissingCents() {
        // 0.4 + 0.4 + 0.4 = 1.2 -> 1 cent, given to the first of the equal remainders.
        #expect(CentRounding.apportion(totalCents: 1, micros: [4000, 4000, 4000]) == [1, 0, 0])
        // 0.3 + 0.45 + 0.25 = 1.0 -> the 0.45 gets it.
        #expect(CentRounding.apportion(totalCents: 1, micros: [3000, 4500, 2500]) == [0, 1, 0])
        #expect(CentRounding.apportion(totalCents: 5, amounts: [Decimal(string: "0.0199")!, Decimal(string: "0.0301")!]) == [2, 3])
    }

    @Test(arguments: [(Int64(0), "0.00"), (5, "0.05"), (-40, "-0.40"), (123_456, "1234.56")])
    func centsFormat(cents: Int64, text: String) {
        #expect(CentRounding.format(cents: cents) == text)
    }
}
