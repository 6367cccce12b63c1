import Foundation
import Testing
import WarehouseCore

@Suite struct ExactDecimalTests {
    @Test(arguments: [
        ("0.0053", "0.0053"), ("2.0E-4", "0.0002"), ("5.0018196E7", "50018196"), ("-12", "-12"),
        ("0.217790327034891", "0.217790327034891"), ("+3.50", "3.5"), ("1e2", "100"), ("0", "0"), ("-0.0", "0"),
    ])
    func parsesNumbers(text: String, canonical: String) throws {
        let value = try #require(ExactDecimal.parse(text))
        #expect(ExactDecimal.format(value) == canonical)
    }

    @Test(arguments: ["", "abc", "12abc", "1.", ".5", "1e", "--1", "1,5", " 1", "NaN", "0x10", "1.2.3"])
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

    @Test func sumsAreExactWhereDoubleIsNot() throws {
        let tenth = try #require(ExactDecimal.parse("0.1"))
        let sum = (0..<10).reduce(Decimal(0)) { total, _ in total + tenth }
        #expect(sum == 1)
    }
}
