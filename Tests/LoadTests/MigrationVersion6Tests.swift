import Foundation
import Load
import TestSupport
import Testing
import WarehouseCore

/// Version 6 (issue 17): `charge_totals`' triggers refuse a period total past Int64, on a file
/// migrated from version 5 as on a new one; the rollup's sums throw instead of trapping.
@Suite struct MigrationVersion6Tests {
    @Test func aVersionFiveFileGetsTheCheckedTriggers() throws {
        let t = try TestWarehouse(migrated: false)
        #expect(try t.db.migrate(through: 5) == [1, 2, 3, 4, 5])
        let trigger = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%sum past 9223372036854775807%'"
        #expect(try t.db.scalar(trigger)?.int64 == 0)
        #expect(try t.db.migrate() == [6, 7])
        #expect(try t.db.scalar(trigger)?.int64 == 3)
        #expect(try t.db.integrityCheck() == ["ok"])
    }

    @Test func rollupSumsThrowPastInt64() throws {
        var sums = InvoiceRollup.Sums()
        try sums.add(quantity: 1, amountMicros: Int64.max - 1, of: "the charges of 2026-11")
        try sums.add(quantity: 1, amountMicros: nil, of: "the charges of 2026-11")
        #expect(throws: SumOverflow(what: "the charges of 2026-11")) { try sums.add(quantity: 1, amountMicros: 2, of: "the charges of 2026-11") }
        #expect(sums.amountMicros == Int64.max - 1 && sums.records == 2)
    }
}
