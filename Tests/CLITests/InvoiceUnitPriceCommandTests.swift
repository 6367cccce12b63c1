import Foundation
import TestSupport
import Testing

/// Unit prices through the real binary, on the cases a new user reported: an EA actual-cost
/// export (rows shaped like the FinOps toolkit's `EA_ActualCost_Small.csv`: a $15 meter, a $6.38
/// disk, a $0.00237 meter), and a rate card with graduated tiers.
@Suite struct InvoiceUnitPriceCommandTests {
    static let export = """
        SubscriptionId,Date,MeterId,MeterCategory,MeterSubCategory,MeterRegion,MeterName,Quantity,EffectivePrice,Cost,UnitPrice,BillingCurrency,ResourceLocation,ResourceId,ResourceGroup,UnitOfMeasure,Tags,ChargeType
        64e355d7-997c-491d-b0c1-8414dccfcf42,09/04/2023,cb0969aa-aaaa-4d6c-ab4b-7e182fa06aff,Advanced Data Security,SQL Database,,Standard Node,0.03225806,15,0.4838709677419368,15,USD,CentralUS,/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/resourceGroups/rg1/providers/Microsoft.Sql/servers/db1,rg1,1/Month,"{""CostCenter"": ""1234""}",Usage
        1caaa5a3-2b66-438e-8ab4-bce37d518c5d,09/05/2023,3ecfdd2b-7518-44a3-b8c0-af1735eda535,Storage,Premium SSD Managed Disks,Cardiff,P4 LRS Disk,0.033336,6.38,0.21268368,6.38,USD,ukwest,/subscriptions/1caaa5a3-2b66-438e-8ab4-bce37d518c5d/resourceGroups/rg2/providers/Microsoft.Compute/disks/d1,rg2,1/Month,"{""CostCenter"": ""1234""}",Usage
        ed570627-0265-4620-bb42-bae06bcfa914,09/04/2023,93e148e7-0eee-47f6-921e-296c678bca1d,Storage,Premium Block Blob,California,Premium LRS Read Operations,0.0047,0.00237,0.000011139,0.00237,USD,WestUS,/subscriptions/ed570627-0265-4620-bb42-bae06bcfa914/resourceGroups/rg3/providers/Microsoft.Storage/storageAccounts/s1,rg3,10K,"{""CostCenter"": ""1234""}",Usage

        """

    @Test func costExportPricesAreMarkedDerivedAndNotOverPrecise() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        try Self.export.write(toFile: dir.path("export.csv"), atomically: true, encoding: .utf8)
        let imported = try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", dir.path("export.csv")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let table = try CLI.run(["invoice", "--db", db, "--period", "2023-09", "--format", "table"])
        #expect(table.status == 0, "\(table.stderr)")
        // Before: 15.000003, 6.38001 and 0.00234 (rounded amounts over quantities).
        for (name, price) in [("Standard Node", "~15"), ("P4 LRS Disk", "~6.38"), ("Premium LRS Read Operations", "~0.002")] {
            let line = try #require(table.stdout.split(separator: "\n").first { $0.contains(name) }, "\(table.stdout)")
            #expect(line.split(separator: " ").contains(Substring(price)), "\(line)")
        }
        #expect(!table.stdout.contains("15.000003") && !table.stdout.contains("6.38001"))
        #expect(table.stderr.contains("note: 3 line(s) marked ~ have no stated price"))
        #expect(table.stderr.contains("UnitPrice is not stored"))
        // Programs get the bare number.
        let json = try CLI.run(["invoice", "--db", db, "--period", "2023-09", "--format", "json"])
        #expect(json.stdout.contains("\"unit_price\": \"15\""))
    }

    static let rateCard = """
        {"locale":"en-US","currency":"USD","isTaxIncluded":false,
         "meters":[{"id":"AAAAAAAA-0000-4000-8000-000000000001","name":"Compute Hours","rates":{"200":0.90,"0":1.00},
           "tags":[],"category":"Virtual Machines","subcategory":"D1","region":"US West","unit":"Hours",
           "includedQuantity":0.0,"effectiveDate":"2026-01-01T00:00:00Z"}],
         "attributes":{"objectType":"AzureRateCard"}}
        """

    /// `hours` of one VM on one day: up to 200 at 1.00, the rest at 0.90.
    static func utilization(hours: String) -> String {
        """
        {"totalCount":1,"items":[
        {"usageStartTime":"2026-10-01T00:00:00+00:00","usageEndTime":"2026-10-02T00:00:00+00:00",
         "resource":{"id":"aaaaaaaa-0000-4000-8000-000000000001","name":"Compute Hours","category":"Virtual Machines","subcategory":"","region":""},
         "quantity":\(hours),"unit":"Hours","infoFields":{},
         "instanceData":{"resourceUri":"/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
           "location":"uswest","partNumber":"","orderNumber":"","tags":{}},
         "attributes":{"objectType":"AzureUtilizationRecord"}}],
        "links":{"self":{"uri":"customers/c0ffee00-0000-4000-8000-000000000000/subscriptions/11111111-2222-4333-8444-555555555555/utilizations/azure?start_time=2026-10-01T00:00:00Z&end_time=2026-11-01T00:00:00Z","method":"GET","headers":[]}},
        "attributes":{"objectType":"Collection"}}
        """
    }

    @Test(arguments: [("150", "1", false), ("250", "0.98", true)])
    func rateCardPricesAreStatedOrNotedAsAverages(_ hours: String, _ price: String, _ blended: Bool) throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        try Self.rateCard.write(toFile: dir.path("ratecard.json"), atomically: true, encoding: .utf8)
        try Self.utilization(hours: hours).write(toFile: dir.path("usage.json"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "--db", db, "--kind", "pc-ratecard", dir.path("ratecard.json")]).status == 0)
        #expect(try CLI.run(["import", "--db", db, "--kind", "pc-utilization", dir.path("usage.json")]).status == 0)
        let table = try CLI.run(["invoice", "--db", db, "--period", "2026-10", "--format", "table"])
        #expect(table.status == 0, "\(table.stderr)")
        let line = try #require(table.stdout.split(separator: "\n").first { $0.contains("Compute Hours") })
        #expect(line.split(separator: " ").contains(Substring(price)), "\(line)")
        #expect(table.stderr.contains("blend several prices") == blended, "\(table.stderr)")
        let tiers = try CLI.run(["invoice", "--db", db, "--period", "2026-10", "--format", "table", "--tiers"])
        #expect(!tiers.stderr.contains("blend several prices"))
    }
}
