import Foundation
import Load
import Query
import Testing

/// The invoice read from `invoice_rollup` against the invoice read from every charge joined to its
/// usage (what it falls back to when the rollup is missing or out of step).
@Suite struct InvoiceRollupReadTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var grouping: InvoiceGrouping
        var tiers: Bool
        var source: String?
        var testDescription: String { "\(grouping.rawValue)\(tiers ? " with tiers" : "")\(source.map { " of \($0)" } ?? "")" }
    }

    static let cases: [Case] = InvoiceGrouping.allCases.flatMap { grouping in
        [Case(grouping: grouping, tiers: false, source: nil), Case(grouping: grouping, tiers: true, source: nil),
         Case(grouping: grouping, tiers: false, source: "agol")]
    }

    func json(_ db: Database, _ c: Case, period: String = "2026-10") throws -> String {
        try InvoiceBuilder(db: db).build(InvoiceRequest(period: period, grouping: c.grouping, source: c.source, tiers: c.tiers))
            .render(.json)
    }

    @Test(arguments: cases)
    func rollupAndChargesGiveTheSameInvoice(_ c: Case) throws {
        let w = try TemporaryWarehouse()
        #expect(try InvoiceRollup.matchesCharges(w.db, period: "2026-10"))
        let request = InvoiceRequest(period: "2026-10", grouping: c.grouping, source: c.source, tiers: c.tiers)
        #expect(try InvoiceBuilder(db: w.db).build(request).readFromCharges == false)
        let fromRollup = try json(w.db, c)
        try w.db.run("DELETE FROM invoice_rollup")
        #expect(try InvoiceRollup.matchesCharges(w.db, period: "2026-10") == false)
        #expect(try InvoiceBuilder(db: w.db).build(request).readFromCharges)
        #expect(try json(w.db, c) == fromRollup)
        #expect(fromRollup.contains("\"groups\""))
    }

    @Test func usageDeletedSinceTheLastRepriceIsNotInvoiced() throws {
        let w = try TemporaryWarehouse()
        let c = Case(grouping: .costCenter, tiers: false, source: nil)
        let before = try json(w.db, c)
        // Usage 1 (1.00 USD, Planning) goes, and its charge with it; the rollup still counts it.
        try w.db.run("DELETE FROM usage WHERE usage_id = 1")
        let after = try json(w.db, c)
        #expect(after != before)
        try InvoiceRollup.rebuild(w.db, periods: ["2026-10"])
        #expect(try InvoiceRollup.matchesCharges(w.db, period: "2026-10"))
        #expect(try json(w.db, c) == after)
    }
}
