import Foundation
import Load
import Query
import Testing

/// ArcGIS Online service types carry their human names where the warehouse has none of its own
/// (ArcGIS sources write no `meters` rows): in `report credits` and on invoice lines.
@Suite struct ServiceTypeNameTests {
    /// A warehouse with one day of credits per service type, for user `ana`, and no meters rows
    /// except a user-given name for `svcusg.demogmaps`.
    static func warehouse(_ codes: [String]) throws -> TemporaryWarehouse {
        let w = try TemporaryWarehouse(fixture: false)
        for (index, code) in codes.enumerated() {
            try w.db.run("""
                INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, user_name)
                VALUES ('agol', 'org1', 'user:ana', ?, '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', ?, 'credits', 'ana')
                """, code, String(index + 1))
        }
        try w.db.run("INSERT INTO meters (source, meter_id, name, unit) VALUES ('agol', 'svcusg.demogmaps', 'Our maps', 'credits')")
        return w
    }

    @Test(arguments: [
        ("svcusg.geoenrich", "GeoEnrichment"), ("geocodecnt.geocode", "Geocoding"), ("svcusg.nasimpleroute", "Simple routes"),
        ("svcusg.spanalysis", "Spatial analysis"), ("stg.features", "Feature storage"),
        ("stg.portal", "Tile and data storage (files and attachments)"), ("stg.tiles", "Tile and data storage (tiles)"),
        ("SVCUSG.GeoEnrich", "GeoEnrichment"), ("svcusg.demogmaps", "Our maps"), ("svcusg.somethingnew", "svcusg.somethingnew"),
    ])
    func creditsReportNamesServiceTypes(_ code: String, _ name: String) throws {
        let w = try Self.warehouse([code])
        let report = try ReportBuilder(db: w.db).build(.credits, period: try ReportPeriod(parsing: "2026-10"))
        let rows = try #require(report.section("by_service_type")?.rows)
        #expect(rows.first == [code.lowercased(), name, "1", "100"])
    }

    @Test func everyServiceTypeHasItsOwnName() {
        let names = Array(ArcGISServiceTypes.names.values)
        #expect(Set(names).count == names.count)
        #expect(ArcGISServiceTypes.names.keys.allSatisfy { $0 == $0.lowercased() && $0.contains(".") })
    }

    @Test func invoiceLinesOfUnnamedServiceTypesUseTheirNames() throws {
        let w = try Self.warehouse(["svcusg.geoenrich", "svcusg.spanalysis"])
        // Priced as the Repricer would: 0.1 a credit, all in one cost center.
        try w.db.execute("""
            INSERT INTO cost_centers VALUES ('unassigned', 'Unassigned');
            INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency)
            SELECT usage_id, '2026-10', 'unassigned', CAST(quantity AS INTEGER) * 100000, 'USD' FROM usage;
            """)
        try InvoiceRollup.rebuild(w.db, periods: ["2026-10"])
        let invoice = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10"))
        let names = invoice.invoices.flatMap(\.groups).flatMap(\.lines).map(\.meterName)
        #expect(names == ["Spatial analysis", "GeoEnrichment"])
        let byMeter = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10", grouping: .meter))
        #expect(byMeter.invoices.flatMap(\.groups).map(\.key) == ["Spatial analysis", "GeoEnrichment"])
    }
}
