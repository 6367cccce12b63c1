import Foundation
import TestSupport
import Testing

/// Issue 17, item 5: amounts past ±1,000,000,000 per row are refused naming the row.
@Suite struct AmountBoundsTests {
    @Test(arguments: ["99999999999999999999999999", "5000000000000", "-1000000000.01"])
    func amountsOutOfRangeAreRefusedNamingTheRow(cost: String) throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        let before = try ImportCommandTests.dump(db, withoutRuns: true)
        try HostileExport.export(cost: cost).write(toFile: dir.path("big.csv"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", dir.path("big.csv")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 2") && result.stderr.contains("out of range"), "\(result.stderr)")
        #expect(try ImportCommandTests.dump(db, withoutRuns: true) == before)
        let invoice = try CLI.run(["invoice", "--db", db, "--period", "2023-09", "--format", "csv"])
        #expect(invoice.status == 0, "\(invoice.stderr)")
    }

    /// The JSON usage imports (Partner Center utilization, Azure UsageAggregates) hold quantities
    /// to the same bound, naming the record.
    @Test(arguments: ["5000000000000", "-1000000000.5", "1e30"])
    func utilizationQuantitiesOutOfRangeAreRefusedNamingTheRecord(quantity: String) throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        let sample = try String(contentsOfFile: ImportCommandTests.fixture("GetAzureUtilization.json"), encoding: .utf8)
        let first = try #require(sample.range(of: #""quantity"\s*:\s*[0-9.]+"#, options: .regularExpression))
        try sample.replacingCharacters(in: first, with: "\"quantity\": \(quantity)").write(toFile: dir.path("big.json"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["init", "--db", db]).status == 0)
        let before = try ImportCommandTests.dump(db, withoutRuns: true)
        let result = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", dir.path("big.json")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("record 1 (meter") && result.stderr.contains("out of range"), "\(result.stderr)")
        #expect(try ImportCommandTests.dump(db, withoutRuns: true) == before)
    }
}
