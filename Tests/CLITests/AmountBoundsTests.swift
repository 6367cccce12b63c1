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
}
