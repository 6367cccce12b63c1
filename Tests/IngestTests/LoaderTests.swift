import Config
import Extract
import Foundation
import Ingest
import Load
import Streams
import TestSupport
import Testing
import Transform
import WarehouseCore

@Suite struct ImporterTests {
    struct Sample: Sendable, CustomTestStringConvertible {
        let fixture: String
        let kind: StreamSpec
        var org: String? = nil
        let table: String
        let rows: Int64
        var testDescription: String { "\(fixture) as \(kind.name)" }
    }

    static let now = UTCTime(year: 2026, month: 11, day: 20, hour: 6)

    static let samples: [Sample] = [
        Sample(fixture: "GetAzureUtilization.json", kind: .pcUtilization, table: "usage", rows: 37),
        Sample(fixture: "GetUtilizationRecords.json", kind: .pcUtilization, table: "usage", rows: 1),
        Sample(fixture: "GetAzureRateCard.json", kind: .pcRateCard, table: "rates", rows: 2),
        Sample(fixture: "GetAzureRateCard.json.gz", kind: .pcRateCard, table: "rates", rows: 2),
        Sample(fixture: "ratecard-tiered.json", kind: .pcRateCard, table: "rates", rows: 4),
        Sample(fixture: "GetCustomerSubscription.json", kind: .pcSubscriptions, table: "subscriptions", rows: 2),
        Sample(fixture: "customers-page.json", kind: .pcCustomers, table: "customers", rows: 2),
        Sample(fixture: "UsageAggregates-spec-example.json", kind: .azureUsage, table: "usage", rows: 1),
        Sample(fixture: "RateCard-spec-example.json", kind: .azureRateCard, table: "rates", rows: 2),
        Sample(fixture: "usage-docstring-example.json", kind: .agolUsage, org: "ORG", table: "usage", rows: 1),
        Sample(fixture: "portals-self.json", kind: .agolSelf, table: "org_credits", rows: 1),
        Sample(fixture: "users-page.json", kind: .agolUsers, table: "credit_budgets", rows: 3),
        Sample(fixture: "items-page.json", kind: .agolItems, table: "storage_snapshots", rows: 4),
        Sample(fixture: "credits-report.csv", kind: .agolCreditsCSV, org: "ORG", table: "usage", rows: 4),
        Sample(fixture: "credits-report-long.csv", kind: .agolCreditsCSV, org: "ORG", table: "usage", rows: 2),
        Sample(fixture: "cost-export-ea.csv", kind: .azureCostExport, table: "usage", rows: 2),
        Sample(fixture: "cost-export-mca.csv", kind: .azureCostExport, table: "usage", rows: 1),
    ]

    @Test(arguments: samples)
    func importingTwiceChangesNothing(_ s: Sample) throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        // UsageAggregates pages name no reported window unless they continue: the import says it.
        let reported = s.kind == .azureUsage ? ReportedWindow(day: UTCTime(year: 2015, month: 6, day: 23)) : nil
        let options = ImportOptions(kind: s.kind, org: s.org, reported: reported)
        let data = try Fixture.data(s.fixture)
        let first = try importer.importFile(data, file: s.fixture, options: options, now: Self.now)
        #expect(first.newPage)
        #expect(first.counts.written > 0)
        #expect(try w.count(s.table) == s.rows)
        #expect(try w.count("raw_pages") == 1)
        let facts = try w.dump().filter { !$0.hasPrefix("etl_runs:") }
        let changesBefore = w.db.totalChanges
        let second = try importer.importFile(data, file: s.fixture, options: options, now: Self.now)
        #expect(!second.newPage)
        #expect(second.counts.written == 0)
        #expect(second.counts.unchanged == first.counts.written + first.counts.unchanged)
        #expect(try w.dump().filter { !$0.hasPrefix("etl_runs:") } == facts)
        // Only the second run's own etl_runs row was written (insert + finish).
        #expect(w.db.totalChanges - changesBefore == 2)
        #expect(try w.count("etl_runs") == 2)
        #expect(try w.db.scalar("SELECT count(*) FROM etl_runs WHERE status = 'ok' AND command = 'import'")?.int64 == 2)
    }

    @Test func rawPageKeepsKindStreamRequestAndContext() throws {
        let w = try TestWarehouse()
        let options = ImportOptions(kind: .agolItems, org: "ORG", asOf: UTCTime(year: 2026, month: 11, day: 15))
        try Loader(db: w.db, config: .defaults).importFile(try Fixture.data("items-page.json"), file: "items-page.json", options: options, now: Self.now)
        let row = try #require(try w.db.rows("SELECT source, stream, kind, request, context, run_id FROM raw_pages").first)
        #expect(row[0...4].map(\.description) == ["arcgis", "items", "agol-items", "items-page.json", #"{"org":"ORG","as_of":"2026-11-15"}"#])
        #expect(row[5].int64 == 1)
        // Every fact points at its page.
        #expect(try w.db.scalar("SELECT count(*) FROM usage WHERE page_id IS NOT 1")?.int64 == 0)
        #expect(try w.db.scalar("SELECT count(*) FROM storage_snapshots WHERE snapshot_date = '2026-11-15'")?.int64 == 4)
    }

    @Test func gzipIsStoredAsTheDocument() throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        try importer.importFile(try Fixture.data("GetAzureRateCard.json"), file: "a.json", options: ImportOptions(kind: .pcRateCard), now: Self.now)
        let again = try importer.importFile(
            try Fixture.data("GetAzureRateCard.json.gz"), file: "a.json.gz", options: ImportOptions(kind: .pcRateCard), now: Self.now)
        #expect(!again.newPage)
        #expect(try RawPageStore(w.db).body(1) == (try Fixture.data("GetAzureRateCard.json")))
    }

    @Test func repulledRateCardReplacesItsTiers() throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        try importer.importFile(try Fixture.data("ratecard-two-tiers.json"), file: "a", options: ImportOptions(kind: .pcRateCard), now: Self.now)
        #expect(try w.db.rows("SELECT tier_min, unit_price FROM rates ORDER BY CAST(tier_min AS REAL)").map { $0.map(\.description) }
            == [["0", "1.99"], ["100", "0.99"], ["1000", "0.5"]])
        try importer.importFile(try Fixture.data("ratecard-repull.json"), file: "b", options: ImportOptions(kind: .pcRateCard), now: Self.now)
        #expect(try w.db.rows("SELECT tier_min, unit_price FROM rates ORDER BY CAST(tier_min AS REAL)").map { $0.map(\.description) }
            == [["0", "1.99"], ["100", "0.95"]])
    }

    @Test func usageDoesNotEraseWhatTheRateCardSaysOfAMeter() throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        try importer.importFile(try Fixture.data("RateCard-spec-example.json"), file: "r", options: ImportOptions(kind: .azureRateCard), now: Self.now)
        let usage = #"{"value":[{"properties":{"subscriptionId":"S1","usageStartTime":"2017-09-03T00:00:00Z","usageEndTime":"2017-09-04T00:00:00Z","meterId":"1D7518E5-BC2F-4A93-9057-1B3047856645","quantity":150,"unit":"Hours"}}]}"#
        try importer.importFile(Data(usage.utf8), file: "u",
            options: ImportOptions(kind: .azureUsage, reported: ReportedWindow(day: UTCTime(year: 2017, month: 9, day: 4))), now: Self.now)
        #expect(try w.db.rows("SELECT name, category, unit FROM meters").map { $0.map(\.description) } == [["Test Meter", "Test Category", "Hours"]])
        #expect(try w.db.scalar("SELECT meter_id FROM usage")?.string == "1d7518e5-bc2f-4a93-9057-1b3047856645")
    }

    @Test func sourceOptionAndCostColumns() throws {
        let w = try TestWarehouse()
        try Loader(db: w.db, config: .defaults).importFile(
            try Fixture.data("cost-export-mca.csv"), file: "m.csv", options: ImportOptions(kind: .azureCostExport, source: "contoso-mca"), now: Self.now)
        let row = try #require(try w.db.rows("SELECT source, cost, cost_currency, resource_group, tags, usage_start FROM usage").first)
        #expect(row.map(\.description) == ["contoso-mca", "0.8", "EUR", "demo", #"{"CostCenter":"Ops","note":"say \"hi\""}"#, "2026-10-05T00:00:00Z"])
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let kind: StreamSpec
        let body: Data
        var org: String? = nil
        let message: String
        var testDescription: String { name }
    }

    static func badInputs() throws -> [Bad] {
        [
            Bad(name: "truncated JSON", kind: .pcUtilization, body: try Fixture.data("truncated-utilization.json"), message: "bad: line "),
            Bad(name: "wrong kind", kind: .pcUtilization, body: try Fixture.data("users-page.json"), message: "bad: items: missing 'items'"),
            Bad(name: "CSV with no header", kind: .agolCreditsCSV, body: try Fixture.data("no-header.csv"), org: "ORG", message: "bad: no header row found"),
            Bad(name: "cost export with no header", kind: .azureCostExport, body: try Fixture.data("no-header.csv"), message: "bad: line 1: expected a cost export header"),
            Bad(name: "usage without org", kind: .agolUsage, body: try Fixture.data("usage-docstring-example.json"), message: "bad: a usage response does not name its org: pass --org"),
            Bad(name: "ArcGIS error body", kind: .agolUsers, body: try Fixture.data("agol-error-498.json"), message: "bad: ArcGIS error 498: Invalid token."),
            Bad(name: "one bad record in a page", kind: .pcUtilization,
                body: Data(#"{"links":{"self":{"uri":"customers/c/subscriptions/s/utilizations/azure"}},"items":[{"usageStartTime":"2026-10-01T00:00:00Z","usageEndTime":"2026-10-02T00:00:00Z","resource":{"id":"m"},"quantity":1},{"usageStartTime":"2026-10-01T00:00:00Z","usageEndTime":"2026-10-02T00:00:00Z","resource":{"id":"m2"},"quantity":"lots"}]}"#.utf8),
                message: "bad: items[1].quantity: expected a number, found 'lots'"),
        ]
    }

    @Test(arguments: try badInputs())
    func badInputLeavesTheWarehouseAsItWas(_ c: Bad) throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        try importer.importFile(try Fixture.data("GetAzureUtilization.json"), file: "good", options: ImportOptions(kind: .pcUtilization), now: Self.now)
        let before = try w.dump()
        let error = try #require(throws: ImportError.self) {
            try importer.importFile(c.body, file: "bad", options: ImportOptions(kind: c.kind, org: c.org), now: Self.now)
        }
        #expect(error.description.hasPrefix(c.message), "\(error)")
        #expect(!error.description.contains("\n"))
        #expect(try w.dump() == before)
    }
}
