import Foundation
import Load
import TestSupport
import Testing

/// Schema version 7: a cost export's charge kind (ChargeType, PricingModel, BenefitId) is part of
/// a usage row's key, its prices and the rest are not, and the invoice charges every kind at the
/// cost the export billed.
@Suite struct CostExportChargeKindTests {
    static let header = "SubscriptionId,Date,MeterId,MeterName,Quantity,Cost,BillingCurrency,ResourceId,UnitOfMeasure,ChargeType,PricingModel,UnitPrice,PayGPrice,benefitId"
    static let resource = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"
    static let reservation = "/providers/Microsoft.Capacity/reservationOrders/o1/reservations/r1"

    /// Lines of one subscription, meter, resource and day: (quantity, cost, charge type, pricing model, unit price, benefit).
    static func csv(_ lines: [(String, String, String, String, String, String)]) -> String {
        ([header] + lines.map { "s1,10/05/2026,m1,D2 v3,\($0.0),\($0.1),USD,\(resource),1 Hour,\($0.2),\($0.3),\($0.4),0.2,\($0.5)" })
            .joined(separator: "\n") + "\n"
    }

    static let lines = [
        ("10", "2", "Usage", "OnDemand", "0.2", ""), ("14", "0", "Usage", "Reservation", "0.15", reservation),
        ("1", "100", "Purchase", "Reservation", "100", reservation), ("-1", "-40", "Refund", "Reservation", "40", reservation),
    ]

    static func focus(_ db: String) throws -> [[String: String]] {
        let (header, rows) = try FocusExportCommandTests.export(db, period: "2026-10")
        return rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }.sorted { ($0["x_UsageId"] ?? "") < ($1["x_UsageId"] ?? "") }
    }

    @Test func eachKindIsItsOwnRowAtItsOwnCost() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db"), file = dir.path("export.csv")
        try Self.csv(Self.lines).write(toFile: file, atomically: true, encoding: .utf8)
        for _ in 0..<2 { try #require(try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", file]).status == 0) }
        let warehouse = try Database(path: db, mode: .readOnly)
        #expect(try warehouse.scalar("SELECT count(*) FROM usage_facts")?.int64 == 4)
        #expect(try warehouse.scalar("SELECT charge_key FROM usage_facts WHERE quantity = '10'")?.int64 == 0)
        #expect(try warehouse.scalar("SELECT sum(amount_micros) FROM charge_facts")?.int64 == 62_000_000)
        let invoice = try CLI.run(["invoice", "--db", db, "--period", "2026-10", "--format", "csv"])
        #expect(invoice.status == 0 && invoice.stdout.contains("62.00"), "\(invoice.stdout)")
        let rows = try Self.focus(db)
        let expected: [(String, String, String, String, String, String)] = [  // category, class, billed, effective, consumed, status
            ("Usage", "", "2.0", "2.0", "10.0", ""), ("Usage", "", "0.0", "0.0", "14.0", "Used"),
            ("Purchase", "", "100.0", "0.0", "", "Used"), ("Purchase", "Correction", "-40.0", "0.0", "", "Used"),
        ]
        try #require(rows.count == 4)
        for (row, e) in zip(rows, expected) {
            let got = ["ChargeCategory", "ChargeClass", "BilledCost", "EffectiveCost", "ConsumedQuantity", "CommitmentDiscountStatus"].map { row[$0] ?? "?" }
            #expect(got == [e.0, e.1, e.2, e.3, e.4, e.5])
        }
    }

    /// A later export restating a line's price updates its row; it adds none.
    @Test func aRestatedPriceUpdatesTheRow() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db"), first = dir.path("a.csv"), second = dir.path("b.csv")
        try Self.csv([Self.lines[0]]).write(toFile: first, atomically: true, encoding: .utf8)
        try Self.csv([("10", "2.5", "Usage", "OnDemand", "0.25", "")]).write(toFile: second, atomically: true, encoding: .utf8)
        for file in [first, second] { try #require(try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", file]).status == 0) }
        let rows = try Self.focus(db)
        #expect(rows.count == 1)
        #expect(rows.first?["ContractedUnitPrice"] == "0.25" && rows.first?["BilledCost"] == "2.5")
    }

    @Test(arguments: [("UnitPrice", "abc", "expected a number in UnitPrice"), ("PayGPrice", "1e999", "PayGPrice")])
    func aBadPriceIsRefusedNamingItsLine(_ column: String, _ value: String, _ message: String) throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db"), file = dir.path("bad.csv")
        let prices = column == "UnitPrice" ? ",\(value),0.2," : ",0.2,\(value),"
        let text = Self.csv([Self.lines[0]]).replacingOccurrences(of: ",0.2,0.2,", with: prices)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", file])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("line 2") && result.stderr.contains(message), "\(result.stderr)")
        #expect(try Database(path: db, mode: .readOnly).scalar("SELECT count(*) FROM usage_facts")?.int64 == 0)
    }
}
