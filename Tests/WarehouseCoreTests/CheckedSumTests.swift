import Testing
import WarehouseCore

/// Issue 17: sums of micro-units throw one line instead of trapping or wrapping.
@Suite struct CheckedSumTests {
    @Test func additionPastInt64ThrowsNamingTheSum() throws {
        #expect(try Int64(4_000_000_000_000_000_000).adding(5_000_000_000_000_000_000, summing: "x") == 9_000_000_000_000_000_000)
        #expect(throws: SumOverflow(what: "invoice 2026-11")) { try Int64.max.adding(1, summing: "invoice 2026-11") }
        #expect(throws: SumOverflow(what: "y")) { try Int64.min.adding(-1, summing: "y") }
        #expect(throws: SumOverflow(what: "z")) { try Int64.sum([Int64.max / 2, Int64.max / 2, 2], summing: "z") }
        #expect(try Int64.sum([Int64.max, Int64.min, 5], summing: "w") == 4)
        #expect(!SumOverflow(what: "invoice 2026-11").description.contains("\n"))
    }

    @Test func summableMeansEveryPartialSumFits() throws {
        try Int64.checkSummable([Int64.max - 1, 1], summing: "a")
        #expect(throws: SumOverflow.self) { try Int64.checkSummable([Int64.min + 1, Int64.max / 2], summing: "b") }
        // +5e18, -5e18, +5e18: the running total fits, a grouping of the two positives does not.
        #expect(throws: SumOverflow.self) {
            try Int64.checkSummable([5_000_000_000_000_000_000, -5_000_000_000_000_000_000, 5_000_000_000_000_000_000], summing: "c")
        }
        #expect(throws: SumOverflow.self) { try Int64.checkSummable([Int64.min], summing: "d") }
    }
}
