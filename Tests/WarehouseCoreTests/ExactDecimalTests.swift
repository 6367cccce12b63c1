import Foundation
import Testing
@testable import WarehouseCore

@Suite struct ExactDecimalTests {
    @Test(arguments: [
        ("0.0053", "0.0053"), ("2.0E-4", "0.0002"), ("5.0018196E7", "50018196"), ("-12", "-12"),
        ("0.217790327034891", "0.217790327034891"), ("+3.50", "3.5"), ("1e2", "100"), ("0", "0"), ("-0.0", "0"),
        // Plain decimals of up to 18 digits are built from their digits (`parsePlain`); longer
        // ones, and any with a sign, exponent or 19th digit, are read the general way.
        ("123456789012345678", "123456789012345678"), ("1234567890123456789", "1234567890123456789"),
        ("-0.000000000000000001", "-0.000000000000000001"), ("0.0000000000000000001", "0.0000000000000000001"),
        ("007.50", "7.5"), ("-0", "0"), ("0.10", "0.1"), ("-1234.5", "-1234.5"), ("999999999999999999", "999999999999999999"),
    ])
    func parsesNumbers(text: String, canonical: String) throws {
        let value = try #require(ExactDecimal.parse(text))
        #expect(ExactDecimal.format(value) == canonical)
    }

    @Test(arguments: ["", "abc", "12abc", "1.", ".5", "1e", "--1", "1,5", " 1", "NaN", "0x10", "1.2.3", "-", ".", "1-", "-.5", "1.5 ", "1..5"])
    func rejectsNonNumbers(text: String) {
        #expect(ExactDecimal.parse(text) == nil)
    }

    @Test(arguments: [
        ("0.0000005", Int64(1)), ("0.0000004", Int64(0)), ("-0.0000005", Int64(-1)), ("245", Int64(245_000_000)),
        ("0.1", Int64(100_000)), ("12345678.123456", Int64(12_345_678_123_456)),
    ])
    func microsRoundHalfAwayFromZero(amount: String, micros: Int64) throws {
        #expect(Micros.from(try #require(ExactDecimal.parse(amount))) == micros)
    }

    @Test(arguments: [
        (Int64(245_000_000), 2, "245.00"), (Int64(5_000), 2, "0.01"), (Int64(4_999), 2, "0.00"), (Int64(-5_000), 2, "-0.01"),
        (Int64(-4_000), 2, "0.00"), (Int64(1_234_567), 6, "1.234567"), (Int64(1_500_000), 0, "2"),
    ])
    func microsFormat(micros: Int64, places: Int, text: String) {
        #expect(Micros.format(micros, places: places) == text)
    }

    /// A plain decimal built from its digits is the number Foundation reads from the same text:
    /// equal, hashed alike, and the same in arithmetic, over quantities of every length and scale.
    @Test(arguments: [1, 7, 42])
    func plainDecimalsAreFoundationsNumbers(seed: UInt64) throws {
        for i in UInt64(0)..<2_000 {
            let n = Self.mixed(seed, i)
            let scale = Int(n % 10)
            let digits = String((n >> 8) % 10_000_000_000)
            let fraction = scale == 0 ? "" : "." + String(repeating: "0", count: max(0, scale - digits.count)) + digits.suffix(scale)
            let text = (n % 3 == 0 ? "-" : "") + String((n >> 40) % 1_000_000_000) + fraction
            let parsed = try #require(ExactDecimal.parse(text))
            let foundation = try #require(Decimal(string: text, locale: nil))
            #expect(parsed == foundation, "\(text)")
            #expect(parsed.hashValue == foundation.hashValue, "\(text)")
            #expect(ExactDecimal.format(parsed * 3 + 1) == ExactDecimal.format(foundation * 3 + 1), "\(text)")
        }
    }

    /// Case `i` of run `seed`: the same numbers every run, spread over all 64 bits.
    static func mixed(_ seed: UInt64, _ i: UInt64) -> UInt64 {
        let x = (seed &* 0x9E37_79B9_7F4A_7C15) ^ (i &* 0xBF58_476D_1CE4_E5B9)
        return (x ^ (x >> 29)) &* 0x94D0_49BB_1331_11EB
    }

    /// `format` reads a decimal's fields from its bytes (`formatFromLayout`); it must give what
    /// Foundation's own `description` gives, on parsed numbers and on the results of arithmetic
    /// (products, quotients and roundings, whose mantissas and exponents take other shapes).
    @Test(arguments: [3, 11, 99])
    func formattingFromTheLayoutIsFoundationsText(seed: UInt64) throws {
        #expect(ExactDecimal.useLayout, "this Foundation's Decimal is not laid out as NSDecimal")
        for i in UInt64(0)..<2_000 {
            let n = Self.mixed(seed, i)
            let digits = String(n % 2 == 0 ? (n >> 20) % 1_000_000 : n)
            let exponent = Int((n >> 8) % 61) - 30
            let text = (n & 4 == 0 ? "-" : "") + digits + "E" + String(exponent)
            let value = try #require(ExactDecimal.parse(text))
            let divisor = Decimal(Int((n >> 32) % 997) + 1)
            for candidate in [value, value * divisor, value / divisor, ExactDecimal.rounded(value / divisor, scale: 6), value + 1] {
                #expect(ExactDecimal.format(candidate) == ExactDecimal.formatFromDescription(candidate), "\(text)")
            }
        }
    }

    @Test func sumsAreExactWhereDoubleIsNot() throws {
        let tenth = try #require(ExactDecimal.parse("0.1"))
        let sum = (0..<10).reduce(Decimal(0)) { total, _ in total + tenth }
        #expect(sum == 1)
    }
}
