import Foundation
import Load
import Query
import Testing

/// Invoices over adversarial data: many lines each worth 0.4 cent.
@Suite struct InvoiceRoundingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var meters: Int
        var centers: Int
        var micros: Int64
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "40 meters x 3 centers of 0.4 cent", meters: 40, centers: 3, micros: 4000),
        Case(name: "7 meters x 9 centers of 0.4 cent", meters: 7, centers: 9, micros: 4000),
        Case(name: "13 meters x 5 centers of -0.4 cent", meters: 13, centers: 5, micros: -4000),
        Case(name: "11 meters x 4 centers of 0.6 cent", meters: 11, centers: 4, micros: 6000),
    ])
    func displayedSumsHold(_ c: Case) throws {
        let w = try TemporaryWarehouse(fixture: false)
        try w.db.transaction {
            for center in 0..<c.centers { try w.db.run("INSERT INTO cost_centers VALUES (?, ?)", "cc\(center)", "Center \(center)") }
            var id = 0
            for meter in 0..<c.meters {
                for center in 0..<c.centers {
                    id += 1
                    try w.db.run("""
                        INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity)
                        VALUES (?, 's', 'a', ?, ?, '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', '1')
                        """, id, "r\(id)", "m\(meter)")
                    try w.db.run("INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) VALUES (?, '2026-10', ?, ?, 'USD')", id, "cc\(center)", c.micros)
                }
            }
        }
        let invoice = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10"))
        let usd = try #require(invoice.invoices.first)
        let exact = c.micros * Int64(c.meters * c.centers)
        #expect(usd.totalCents == CentRounding.cents(exact))
        #expect(usd.groups.map(\.subtotalCents).reduce(0, +) == usd.totalCents)
        for group in usd.groups {
            #expect(group.lines.count == c.meters)
            #expect(group.lines.map(\.amountCents).reduce(0, +) == group.subtotalCents)
            for line in group.lines { #expect(abs(line.amountCents * 10_000 - line.amountMicros) < 10_000) }
        }
        // The printed figures too: the CSV's amounts add up to the JSON total.
        let csvSum = invoice.render(.csv).split(separator: "\r\n").dropFirst()
            .compactMap { Decimal(string: String($0.split(separator: ",", omittingEmptySubsequences: false)[8])) }.reduce(0, +)
        #expect(csvSum == Decimal(usd.totalCents) / 100)
    }

    /// Quantities too large for SQL's 64-bit sums are added exactly in Swift instead.
    @Test func hugeQuantitiesStayExact() throws {
        let w = try TemporaryWarehouse(fixture: false)
        try w.db.transaction {
            try w.db.run("INSERT INTO cost_centers VALUES ('cc', 'CC')")
            for id in 1...12 {
                try w.db.run("""
                    INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity)
                    VALUES (?, 's', 'a', ?, 'm', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', '999999999.5')
                    """, id, "r\(id)")
                try w.db.run("INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) VALUES (?, '2026-10', 'cc', 1, 'USD')", id)
            }
        }
        let invoice = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10"))
        #expect(invoice.invoices.first?.groups.first?.lines.first?.quantity == Decimal(string: "11999999994"))
    }
}
