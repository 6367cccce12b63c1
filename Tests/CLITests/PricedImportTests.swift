import Foundation
import Load
import TestSupport
import Testing

/// End to end through the real binary: a tiered rate card and a month of utilization go in through
/// `warehouse import`; the priced lines come out of `invoice_lines` to the micro-unit.
@Suite struct PricedImportTests {
    static let rateCard = """
        \u{FEFF}{"locale":"en-US","currency":"USD","isTaxIncluded":false,
         "meters":[{"id":"AAAAAAAA-0000-4000-8000-000000000001","name":"Compute Hours","rates":{"200":0.90,"0":1.00},
           "tags":[],"category":"Virtual Machines","subcategory":"D1","region":"US West","unit":"Hours",
           "includedQuantity":0.0,"effectiveDate":"2026-01-01T00:00:00Z"}],
         "attributes":{"objectType":"AzureRateCard"}}
        """

    static func record(day: Int, resource: String, tags: String, quantity: String, meter: String = "aaaaaaaa-0000-4000-8000-000000000001") -> String {
        """
        {"usageStartTime":"2026-10-\(String(format: "%02d", day))T00:00:00+00:00","usageEndTime":"2026-10-\(String(format: "%02d", day + 1))T00:00:00+00:00",
         "resource":{"id":"\(meter)","name":"Compute Hours","category":"Virtual Machines","subcategory":"","region":""},
         "quantity":\(quantity),"unit":"Hours","infoFields":{},
         "instanceData":{"resourceUri":"/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/App-RG/providers/Microsoft.Compute/virtualMachines/\(resource)",
           "location":"uswest","partNumber":"","orderNumber":"","tags":\(tags)},
         "attributes":{"objectType":"AzureUtilizationRecord"}}
        """
    }

    static let utilization = """
        {"totalCount":4,"items":[
        \(record(day: 1, resource: "vm1", tags: #"{"costCenter":"Ops"}"#, quantity: "100")),
        \(record(day: 2, resource: "vm2", tags: #"{"CostCenter":"ops"}"#, quantity: "100")),
        \(record(day: 3, resource: "vm3", tags: #"{"cost-center":"Dev"}"#, quantity: "50")),
        \(record(day: 4, resource: "vm4", tags: "{}", quantity: "3", meter: "bbbbbbbb-0000-4000-8000-000000000002"))
        ],
        "links":{"self":{"uri":"customers/c0ffee00-0000-4000-8000-000000000000/subscriptions/11111111-2222-4333-8444-555555555555/utilizations/azure?start_time=2026-10-01T00:00:00Z&end_time=2026-11-01T00:00:00Z&granularity=Daily&show_details=True&size=1000","method":"GET","headers":[]}},
        "attributes":{"objectType":"Collection"}}
        """

    func importBoth(_ dir: TemporaryDirectory) throws -> String {
        let db = dir.path("w.db")
        try Self.rateCard.write(toFile: dir.path("ratecard.json"), atomically: true, encoding: .utf8)
        try Self.utilization.write(toFile: dir.path("utilization.json"), atomically: true, encoding: .utf8)
        let card = try CLI.run(["import", "--db", db, "--kind", "pc-ratecard", dir.path("ratecard.json")])
        #expect(card.status == 0, "\(card.stderr)")
        let usage = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", dir.path("utilization.json")])
        #expect(usage.status == 0, "\(usage.stderr)")
        return db
    }

    @Test func tieredMonthIsPricedAndSplitByCostCenter() throws {
        let dir = try TemporaryDirectory()
        let db = try importBoth(dir)
        // 250 hours in the month: 200 x 1.00 + 50 x 0.90 = 245.00, shared pro rata to quantity.
        let lines = try CLI.run([
            "sql", "--db", db, "--format", "csv",
            "SELECT cost_center, sum(amount_micros) AS micros, count(*) AS n FROM invoice_lines WHERE priced = 1 GROUP BY lower(cost_center) ORDER BY micros DESC",
        ])
        #expect(lines.status == 0, "\(lines.stderr)")
        #expect(lines.stdout == "cost_center,micros,n\r\nOps,196000000,2\r\nDev,49000000,1\r\n")
        let unpriced = try CLI.run(["sql", "--db", db, "--format", "csv", "SELECT meter_id, amount_micros FROM invoice_lines WHERE priced = 0"])
        #expect(unpriced.stdout == "meter_id,amount_micros\r\nbbbbbbbb-0000-4000-8000-000000000002,\r\n")
    }

    @Test func importingAgainChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let db = try importBoth(dir)
        let dump = "SELECT (SELECT group_concat(usage_id || ':' || amount_micros, ',') FROM charges) || '|' || (SELECT group_concat(priced_at) FROM charge_scopes) || '|' || (SELECT count(*) FROM raw_pages)"
        let before = try CLI.run(["sql", "--db", db, "--format", "csv", dump])
        let again = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", dir.path("utilization.json")])
        #expect(again.status == 0)
        let after = try CLI.run(["sql", "--db", db, "--format", "csv", dump])
        #expect(before.stdout == after.stdout)
    }
}
