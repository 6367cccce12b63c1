import Foundation
import Load
import Query
import Testing

/// Two meters of one name in one group ("Compute Hours" of two VM sizes, at two prices) are told
/// apart on the invoice by what differs between them; a name that appears once is left alone.
@Suite struct SameNamedMetersTests {
    struct Meter: Sendable {
        var id: String
        var subcategory: String?
        var region: String?
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var what: String
        var meters: [Meter]
        var expected: [String]
        var testDescription: String { what }
    }

    static let vmA = "7a2639ce-ae47-4413-9837-6b4f4b78be3d"
    static let vmB = "e60caf26-9ba0-413d-a422-6141f58081d6"

    @Test(arguments: [
        Case(what: "sub-categories differ", meters: [
            Meter(id: vmA, subcategory: "Standard_D1_v2 VM (Windows)", region: "EU West"),
            Meter(id: vmB, subcategory: "Standard_D2s_v3 VM", region: "US East"),
        ], expected: ["Compute Hours, Standard_D2s_v3 VM", "Compute Hours, Standard_D1_v2 VM (Windows)"]),
        Case(what: "same sub-category, regions differ", meters: [
            Meter(id: vmA, subcategory: "D2 v3", region: "EU West"), Meter(id: vmB, subcategory: "D2 v3", region: "US East"),
        ], expected: ["Compute Hours, US East", "Compute Hours, EU West"]),
        Case(what: "nothing but the id differs", meters: [Meter(id: vmA), Meter(id: vmB)],
             expected: ["Compute Hours, meter e60caf26", "Compute Hours, meter 7a2639ce"]),
    ])
    func sameNamedMetersInAGroupAreToldApart(_ c: Case) throws {
        let w = try TemporaryWarehouse(fixture: false)
        try w.db.execute("INSERT INTO cost_centers VALUES ('planning', 'Planning'), ('operations', 'Operations');")
        for (index, meter) in c.meters.enumerated() {
            try w.db.run(
                "INSERT INTO meters (source, meter_id, name, subcategory, region, unit) VALUES ('csp', ?, 'Compute Hours', ?, ?, 'Hours')",
                meter.id, meter.subcategory, meter.region)
            // 10 hours in Planning at 0.1 and 0.2 (the second meter costs more: it comes first);
            // the first meter also in Operations, alone there.
            try Self.usage(w.db, id: index * 2 + 1, meter: meter.id, costCenter: "planning", micros: Int64(index + 1) * 1_000_000)
            if index == 0 { try Self.usage(w.db, id: 2, meter: meter.id, costCenter: "operations", micros: 1_000_000) }
        }
        try InvoiceRollup.rebuild(w.db, periods: ["2026-10"])
        let invoice = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10"))
        let groups = try #require(invoice.invoices.first?.groups)
        #expect(groups.map(\.key) == ["Planning", "Operations"])
        #expect(groups[0].lines.map(\.meterName) == c.expected)
        #expect(groups[1].lines.map(\.meterName) == ["Compute Hours"])
        #expect(invoice.render(.table).contains("  " + c.expected[0] + " "))
        #expect(invoice.render(.csv).contains(",\"\(c.expected[1])\","))
        // Grouped by meter, the groups are the meters: told apart the same way.
        let byMeter = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10", grouping: .meter))
        #expect(Set(byMeter.invoices.flatMap(\.groups).map(\.key)) == Set(c.expected))
    }

    static func usage(_ db: Database, id: Int, meter: String, costCenter: String, micros: Int64) throws {
        try db.run("""
            INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit)
            VALUES (?, 'csp', 'sub-1', ?, ?, '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', '10', 'Hours')
            """, id, "vm\(id)", meter)
        try db.run(
            "INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) VALUES (?, '2026-10', ?, ?, 'USD')",
            id, costCenter, micros)
    }
}
