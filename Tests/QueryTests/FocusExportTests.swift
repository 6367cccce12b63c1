import Foundation
import Load
import Query
import TestSupport
import Testing

@Suite struct FocusExportTests {
    /// The export of the fixture's October, parsed back into header and rows.
    func exported(_ w: TemporaryWarehouse, _ version: FocusVersion) throws -> (FocusExport.Result, [String], [[String]]) {
        let result = try FocusExport(db: w.db).csv(period: "2026-10", version: version)
        let records = CSVRecords.parse(result.text)
        return (result, try #require(records.first), Array(records.dropFirst()))
    }

    @Test(arguments: FocusVersion.allCases)
    func oneRowPerPricedChargeWithMandatoryColumns(_ version: FocusVersion) throws {
        let w = try TemporaryWarehouse()
        // Tags are the resource's (the `resources` dimension), ArcGIS users' for credits.
        try w.db.execute(#"INSERT INTO resources (source, resource_id, subscription_id, tags) VALUES ('contoso-csp', '/subscriptions/sub-1/resourceGroups/web/vm1', 'sub-1', '{"costCenter":"Planning","env":"prod"}')"#)
        let (result, header, rows) = try exported(w, version)
        #expect(result.rows == 11)
        #expect(result.unpricedRecords == 2)
        #expect(rows.count == 11)
        for column in [
            "BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd", "ChargeCategory",
            "ChargePeriodStart", "ChargePeriodEnd", "EffectiveCost", "ListCost", "ContractedCost", "InvoiceIssuerName",
            "ProviderName", "PublisherName", "ServiceCategory", "ServiceName", "Tags", "ChargeClass", "ChargeDescription",
            "PricingQuantity", "PricingUnit", "BillingAccountName",
        ] { #expect(header.contains(column), "missing \(column)") }
        func column(_ name: String) -> [String] {
            guard let index = header.firstIndex(of: name) else { return [] }
            return rows.map { $0[index] }
        }
        // Billed cost adds up, per currency, to the exact micros of invoice_lines.
        for currency in ["USD", "EUR"] {
            let sum = zip(column("BilledCost"), column("BillingCurrency")).filter { $0.1 == currency }
                .compactMap { Decimal(string: $0.0) }.reduce(0, +)
            let micros = try #require(try w.db.scalar("SELECT sum(amount_micros) FROM invoice_lines WHERE period = '2026-10' AND currency = ?", currency)?.int64)
            #expect(sum * 1_000_000 == Decimal(micros))
        }
        let utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
        for name in ["ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"] {
            #expect(column(name).allSatisfy { $0.wholeMatch(of: utc) != nil }, "\(name)")
        }
        #expect(Set(column("BillingPeriodStart")) == ["2026-10-01T00:00:00Z"])
        #expect(Set(column("BillingPeriodEnd")) == ["2026-11-01T00:00:00Z"])
        #expect(column("ChargeClass").filter { $0 == "Correction" }.count == 1)
        for tags in column("Tags") {
            let object = try JSONSerialization.jsonObject(with: Data(tags.utf8))
            #expect(object is [String: Any])
        }
        #expect(column("Tags").contains(#"{"costCenter":"Planning","env":"prod"}"#))
    }

    /// The FinOps Foundation's validator, run on the 1.0 export: every rule of FOCUS 1.0 must pass.
    /// `make test` installs it (scripts/test-requirements.txt); without it this test fails.
    @Test func version1_0PassesTheFocusValidator() throws {
        let w = try TemporaryWarehouse()
        let (result, _, _) = try exported(w, .v1_0)
        let (failures, rules) = try FocusValidator.run(csv: result.text, in: w.directory)
        #expect(failures.isEmpty, "failed FOCUS rules: \(failures)")
        // It really checked: the report lists the 1.0 rules.
        #expect(rules >= 100)
    }

    /// Our 1.2 conformance check passes on the export, and catches a row that breaks the rules.
    @Test func version1_2PassesOurConformanceCheck() throws {
        let w = try TemporaryWarehouse()
        let (_, header, rows) = try exported(w, .v1_2)
        #expect(FocusConformance.violations(header: header, rows: rows) == [])
        #expect(Set(FocusConformance.mandatory).isSubset(of: header))
        var broken = rows
        let category = try #require(header.firstIndex(of: "ChargeCategory")), unit = try #require(header.firstIndex(of: "PricingUnit"))
        broken[0][category] = "Refund"
        broken[1][unit] = ""
        let found = FocusConformance.violations(header: header, rows: broken)
        #expect(found.contains("row 1: ChargeCategory 'Refund' is not an allowed value"))
        #expect(found.contains("row 2: PricingUnit and PricingQuantity disagree on null"))
    }

    /// ArcGIS Online credits: Esri rows, the service type's name and category, credits priced at the credit price.
    @Test func arcGISCreditsAreEsriRows() throws {
        let w = try TemporaryWarehouse()
        let (_, header, rows) = try exported(w, .v1_2)
        func value(_ row: [String], _ name: String) -> String { header.firstIndex(of: name).map { row[$0] } ?? "?" }
        let esri = rows.filter { value($0, "ProviderName") == "Esri" }
        #expect(esri.count == 4)
        let table = esri.map { [value($0, "ServiceName"), value($0, "ServiceCategory"), value($0, "ServiceSubcategory"), value($0, "PricingUnit"),
                                value($0, "PricingQuantity"), value($0, "ListUnitPrice"), value($0, "ContractedUnitPrice"), value($0, "SubAccountId")] }
        #expect(table == [
            ["Geocoding", "Analytics", "Search", "Credits", "40.0", "0.1", "0.1", "alice"],
            ["Geocoding", "Analytics", "Search", "Credits", "15.0", "0.1", "0.1", "alice"],
            ["Spatial analysis", "Analytics", "Data Processing", "Credits", "12.345", "0.1", "0.1", "bob"],
            ["Feature storage", "Storage", "Storage Platforms", "Credits", "3.3333333333333", "0.1", "0.1", "carol"],
        ])
        #expect(esri.allSatisfy { value($0, "PublisherName") == "Esri" && value($0, "BillingCurrency") == "EUR" && value($0, "BillingAccountId") == "org1" })
    }
}
