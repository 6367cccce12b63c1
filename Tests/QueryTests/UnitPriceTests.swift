import Foundation
import Load
import Query
import Testing

/// The unit price an invoice line shows: the band price where one price applies (not amount ÷
/// quantity after rounding, which gives prices no price list has), the average where several are
/// blended (said so on standard error, with the bands under `--tiers`), and a derived quotient,
/// marked `~`, only to the places the amounts support where nothing states a price.
@Suite struct UnitPriceTests {
    /// One usage row of meter `m1` on an account, its charge, and optionally its scope's bands.
    struct Part: Sendable {
        var account: String
        var quantity: String
        var micros: Int64
        /// `charge_scopes.bands`, nil for no scope row at all.
        var bands: String?
        var discount = "0"
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var what: String
        var parts: [Part]
        var basis: UnitPriceBasis
        var price: String
        var testDescription: String { what }
    }

    static func band(_ price: String, _ quantity: String, from: String = "0", to: String? = nil) -> String {
        #"{"from":"\#(from)","to":\#(to.map { "\"\($0)\"" } ?? "null"),"quantity":"\#(quantity)","unit_price":"\#(price)","amount":"0"}"#
    }

    @Test(arguments: [
        Case(what: "one band price: the price, not 15.000003",
             parts: [Part(account: "a", quantity: "0.03225806", micros: 483_871, bands: "[\(band("15", "0.03225806"))]")],
             basis: .stated, price: "15"),
        Case(what: "graduated tiers blend", parts: [Part(account: "a", quantity: "130", micros: 6_200_000,
             bands: "[\(band("0.05", "100", to: "100")),\(band("0.04", "30", from: "100"))]")], basis: .average, price: "0.047692"),
        Case(what: "a free included quantity blends", parts: [Part(account: "a", quantity: "30", micros: 40_000_000,
             bands: "[\(band("0", "10", to: "10")),\(band("2", "20", from: "10"))]")], basis: .average, price: "1.333333"),
        Case(what: "an unused band does not blend", parts: [Part(account: "a", quantity: "30", micros: 30_000_000,
             bands: "[\(band("1", "30", to: "100")),\(band("0.9", "0", from: "100"))]")], basis: .stated, price: "1"),
        Case(what: "a discount blends", parts: [Part(account: "a", quantity: "10", micros: 9_000_000,
             bands: "[\(band("1", "10"))]", discount: "1")], basis: .average, price: "0.9"),
        Case(what: "two scopes at one price", parts: [
            Part(account: "a", quantity: "3", micros: 45_000_000, bands: "[\(band("15", "3"))]"),
            Part(account: "b", quantity: "1", micros: 15_000_000, bands: "[\(band("15", "1"))]"),
        ], basis: .stated, price: "15"),
        Case(what: "two scopes at two prices", parts: [
            Part(account: "a", quantity: "3", micros: 45_000_000, bands: "[\(band("15", "3"))]"),
            Part(account: "b", quantity: "1", micros: 16_000_000, bands: "[\(band("16", "1"))]"),
        ], basis: .average, price: "15.25"),
        Case(what: "billed cost, no bands: derived to the places the amount supports",
             parts: [Part(account: "a", quantity: "0.03225806", micros: 483_871, bands: "[]")], basis: .derived, price: "15"),
        Case(what: "derived: a $6.38 disk", parts: [Part(account: "a", quantity: "0.033336", micros: 212_684, bands: "[]")],
             basis: .derived, price: "6.38"),
        Case(what: "derived: 11 micro-units support one significant place", parts: [Part(account: "a", quantity: "0.0047", micros: 11, bands: "[]")],
             basis: .derived, price: "0.002"),
        Case(what: "no scope row", parts: [Part(account: "a", quantity: "10", micros: 1_000_000, bands: nil)], basis: .derived, price: "0.1"),
    ])
    func lineUnitPrice(_ c: Case) throws {
        let w = try Self.warehouse(c.parts)
        for tiers in [false, true] {
            let invoice = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10", tiers: tiers))
            let line = try #require(invoice.invoices.first?.groups.first?.lines.first)
            #expect(line.priceBasis == c.basis)
            #expect(line.unitPrice == Decimal(string: c.price))
            let table = invoice.render(.table)
            #expect(table.contains((c.basis == .derived ? " ~" : " ") + c.price + " "), "\(table)")
            #expect(invoice.render(.csv).contains(",Hours,\(c.price),"))
            switch c.basis {
            case .stated: #expect(invoice.unitPriceNote == nil)
            case .average: #expect((invoice.unitPriceNote?.contains("--tiers") ?? false) == !tiers)
            case .derived: #expect(invoice.unitPriceNote?.contains("marked ~") == true)
            }
        }
    }

    @Test func theFixturesBlendedLinesAreNoted() throws {
        let w = try TemporaryWarehouse()
        let invoice = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10"))
        let lines = invoice.invoices.flatMap(\.groups).flatMap(\.lines)
        #expect(lines.filter { $0.priceBasis == .average }.map(\.meterName) == ["LRS Data Stored", "LRS Data Stored"])
        #expect(lines.filter { $0.priceBasis == .derived }.isEmpty)
        #expect(invoice.unitPriceNote?.hasPrefix("2 line(s) blend several prices") == true)
        #expect(try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10", tiers: true)).unitPriceNote == nil)
    }

    static func warehouse(_ parts: [Part]) throws -> TemporaryWarehouse {
        let w = try TemporaryWarehouse(fixture: false)
        try w.db.execute("INSERT INTO cost_centers VALUES ('planning', 'Planning');")
        try w.db.run("INSERT INTO meters (source, meter_id, name, unit) VALUES ('csp', 'm1', 'VM', 'Hours')")
        for (index, part) in parts.enumerated() {
            try w.db.run("""
                INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit)
                VALUES (?, 'csp', ?, 'vm', 'm1', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', ?, 'Hours')
                """, index + 1, part.account, part.quantity)
            try w.db.run(
                "INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) VALUES (?, '2026-10', 'planning', ?, 'USD')",
                index + 1, part.micros)
            guard let bands = part.bands else { continue }
            try w.db.run("""
                INSERT INTO charge_scopes (source, account_id, meter_id, period, total_quantity, currency, cost_micros, bands, discount, priced_at)
                VALUES ('csp', ?, 'm1', '2026-10', ?, 'USD', ?, ?, ?, '2026-11-01T04:00:00Z')
                """, part.account, part.quantity, part.micros, bands, part.discount)
        }
        try InvoiceRollup.rebuild(w.db, periods: ["2026-10"])
        return w
    }
}
