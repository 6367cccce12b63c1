import Foundation
import Query
import TestSupport
import Testing

/// `warehouse export focus` on the demo warehouse (the sandbox's CSP partner and ArcGIS Online
/// org together) in both versions, and on Microsoft's EA sample imported as a cost export.
@Suite struct FocusExportCommandTests {
    static let eaSample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "../QueryTests/Golden/finops-toolkit/EA_ActualCost_Small.csv").standardized.path

    static func export(_ db: String, period: String, _ extra: [String] = []) throws -> (header: [String], rows: [[String]]) {
        let result = try CLI.run(["export", "focus", "--db", db, "--period", period] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let records = CSVRecords.parse(result.stdout)
        return (records.first ?? [], Array(records.dropFirst()))
    }

    @Test func demoWarehousePassesTheValidatorIn1_0AndOurConformanceIn1_2() async throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("demo.db")
        let demo = try await CLI.runAsync(["demo", "--db", db, "--now", "2026-11-22T03:00:00Z"], environment: ["no_proxy": "127.0.0.1"])
        try #require(demo.status == 0, "\(demo.stderr)")

        let v12 = try Self.export(db, period: "2026-10")  // 1.2 is the default
        #expect(v12.header.contains("ServiceSubcategory") && v12.header.contains("BillingAccountType"))
        #expect(v12.rows.count > 100)
        #expect(FocusConformance.violations(header: v12.header, rows: v12.rows).prefix(20) == [])
        let provider = try #require(v12.header.firstIndex(of: "ProviderName"))
        #expect(Set(v12.rows.map { $0[provider] }) == ["Microsoft", "Esri"])

        let text = try CLI.run(["export", "focus", "--db", db, "--period", "2026-10", "--focus-version", "1.0"]).stdout
        let v10 = CSVRecords.parse(text)
        #expect(v10.first?.contains("ServiceSubcategory") == false)
        #expect(v10.count == v12.rows.count + 1)
        let (failures, rules) = try FocusValidator.run(csv: text, in: dir.url)
        #expect(failures.isEmpty, "failed FOCUS 1.0 rules: \(failures)")
        #expect(rules >= 100)
    }

    @Test func aVersionThatIsNotSupportedIsRefused() throws {
        let dir = try TemporaryDirectory()
        let result = try CLI.run(["export", "focus", "--db", dir.path("w.db"), "--period", "2026-10", "--focus-version", "1.1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("focus-version"))
    }

    /// Microsoft's EA sample through `import --kind azure-cost-export` and the export: what the
    /// warehouse stores of a cost export (unit of measure, resource id, location, meter, cost)
    /// converts as Microsoft documents. (Every column of every row, the reservation purchase
    /// included, is `FocusCostExportImportTests`; the pure mapping is `FocusMappingTests`.)
    @Test func eaSampleImportedAndExported() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        let imported = try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", Self.eaSample])
        try #require(imported.status == 0, "\(imported.stderr)")
        let (header, rows) = try Self.export(db, period: "2023-09")
        func column(_ name: String) -> Int { header.firstIndex(of: name) ?? -1 }
        var byResource: [String: [String]] = [:]
        for row in rows { byResource[row[column("ResourceId")].lowercased()] = row }
        let expected: [(String, [String])] = [
            ("/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/resourcegroups/ftk-micflan-darkslate2/providers/microsoft.keyvault/vaults/ftk-micfla-5pd7gdo37oozc",
             ["Key Vault", "Security", "Secret Management", "Key vault", "Units", "0.00000001", "10000", "", ""]),
            ("/subscriptions/1caaa5a3-2b66-438e-8ab4-bce37d518c5d/resourcegroups/costmanagement-rest-rg/providers/microsoft.compute/disks/marketplacebyoltest2_osdisk_1_8907aee9042745b785e8f4f98dad9e1f",
             ["Virtual Machines", "Compute", "Virtual Machines", "Disk", "Units/Month", "0.033336", "1", "ukwest", "UK West"]),
            ("/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/resourcegroups/example-dtl-dtlwebmysql-186455/providers/microsoft.dbformysql/servers/umq-umqoi3-db",
             ["Azure DB for MySQL", "Databases", "Relational Databases", "MySQL server", "Hours", "24.0", "1", "centralus", "Central US"]),
        ]
        for (resource, values) in expected {
            let row = try #require(byResource[resource], "\(resource)")
            let names = ["ServiceName", "ServiceCategory", "ServiceSubcategory", "ResourceType", "PricingUnit", "PricingQuantity",
                         "x_PricingBlockSize", "RegionId", "RegionName"]
            #expect(names.map { row[column($0)] } == values, "\(resource)")
        }
        #expect(rows.count == 11)
    }
}
