import Foundation
import Load
import TestSupport
import Testing
import WarehouseCore

/// Issue 17, item 5: sums of micro-units cannot overflow. Charges near Int64.max (written through
/// the `charges` view, as an outside tool could) make `invoice` and `report trend` fail with one
/// line and exit 1, never a trap; a period total past Int64 is refused by `charge_totals`' triggers.
@Suite struct SumOverflowTests {
    static let huge: Int64 = 5_000_000_000_000_000_000

    /// The hostile export's three charges (cost centers "@SUM(1+1)", "ops", "-cmd"), by cost center.
    static func setCharges(_ db: String, _ amounts: [(costCenter: String, micros: Int64)]) throws {
        let writer = try Database(path: db, mode: .readWrite)
        for (costCenter, micros) in amounts {
            _ = try writer.run("UPDATE charges SET amount_micros = ? WHERE cost_center_key = ?", micros, costCenter.lowercased())
        }
    }

    @Test func invoiceAndTrendFailInOneLineWhenTheirSumsWouldOverflow() throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        // Stored in an order whose running total stays in range; the invoice's groups do not.
        try Self.setCharges(db, [("@SUM(1+1)", Self.huge), ("-cmd", -Self.huge), ("ops", Self.huge)])
        for arguments in [["invoice", "--period", "2023-09"], ["invoice", "--period", "2023-09", "--format", "csv"], ["report", "trend", "--period", "2023-09"]] {
            let result = try CLI.run(arguments + ["--db", db])
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!message.contains("\n") && message.contains("invoice 2023-09") && message.contains("sum past"), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func aPeriodTotalPastInt64IsRefusedByTheTriggers() throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        let reader = try Database(path: db, mode: .readOnly)
        let before = try reader.rows("SELECT period, records, priced, amount_micros FROM charge_totals").map { $0.map(\.description) }
        do {
            try Self.setCharges(db, [("@SUM(1+1)", Self.huge), ("ops", Self.huge)])
            Issue.record("a period total past Int64 was stored")
        } catch {
            #expect("\(error)".contains("charge_totals: the charges of a period sum past"), "\(error)")
        }
        // The first update (in range) stayed; the refused one changed nothing; totals are integers.
        #expect(try reader.scalar("SELECT typeof(amount_micros) FROM charge_totals WHERE period = '2023-09'")?.string == "integer")
        #expect(try reader.scalar("SELECT count(*) FROM charges WHERE amount_micros = ?", Self.huge)?.int64 == 1)
        #expect(before.count == 1)
        let invoice = try CLI.run(["invoice", "--db", db, "--period", "2023-09", "--format", "json"])
        #expect(invoice.status == 0, "\(invoice.stderr)")
    }
}
