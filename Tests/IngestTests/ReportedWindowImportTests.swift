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

/// Partner Center utilization is reported, not restated (docs/contracts/reported-windows.md):
/// records of different reported windows add up; a reported window's new answer replaces what
/// its earlier answer loaded. ArcGIS Online usage keeps replace-by-bucket.
struct ReportedWindowImportTests {
    static let now = UTCTime(year: 2026, month: 4, day: 20)
    static let sub = "0a1b2c3d-0000-4000-8000-000000000001"
    static let vm = "/subscriptions/\(sub)/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"

    /// A one-record Partner Center page for the VM's usage on April 8, reported in `[from, to)`.
    static func page(hours: String, from: String, to: String, extra: String = "") -> Data {
        let record = { (uri: String, quantity: String) in
            #"{"usageStartTime":"2026-04-08T00:00:00+00:00","usageEndTime":"2026-04-09T00:00:00+00:00","resource":{"id":"7a2639ce-ae47-4413-9837-6b4f4b78be3d","name":"Compute Hours"},"quantity":\#(quantity),"unit":"Hours","instanceData":{"resourceUri":"\#(uri)"}}"#
        }
        let items = [record(vm, hours)] + (extra.isEmpty ? [] : [record(vm + "-b", extra)])
        return Data(
            #"{"totalCount":\#(items.count),"items":[\#(items.joined(separator: ","))],"links":{"self":{"uri":"customers/c1/subscriptions/\#(sub)/utilizations/azure?start_time=\#(from)&end_time=\#(to)&granularity=Daily&show_details=True&size=1000","method":"GET","headers":[]}}}"#
                .utf8)
    }

    static func hours(_ w: TestWarehouse) throws -> String {
        let rows = try w.db.rows("SELECT quantity FROM usage WHERE source = 'partnercenter'").compactMap { $0[0].string }
        return ExactDecimal.format(rows.reduce(Decimal(0)) { $0 + (ExactDecimal.parse($1) ?? 0) })
    }

    @Test func theVirtualMachineOfAprilEightRanFiveHours() throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        let options = ImportOptions(kind: .pcUtilization)
        let first = Self.page(hours: "2", from: "2026-04-08T00:00:00Z", to: "2026-04-09T00:00:00Z")
        let second = Self.page(hours: "3", from: "2026-04-09T00:00:00Z", to: "2026-04-10T00:00:00Z")
        try importer.importFile(first, file: "reported-04-08.json", options: options, now: Self.now)
        try importer.importFile(second, file: "reported-04-09.json", options: options, now: Self.now)
        #expect(try Self.hours(w) == "5")
        #expect(try w.count("usage") == 2)
        for (data, file) in [(first, "again-1"), (second, "again-2")] {
            let again = try importer.importFile(data, file: file, options: options, now: Self.now)
            #expect(again.counts.written == 0)
            #expect(try Self.hours(w) == "5")
        }
        // The April 8 window answered again, differently: it replaces that window's 2 hours only.
        let restated = try importer.importFile(
            Self.page(hours: "2.5", from: "2026-04-08T00:00:00Z", to: "2026-04-09T00:00:00Z"), file: "restated.json", options: options, now: Self.now)
        #expect(try Self.hours(w) == "5.5")
        #expect(restated.warnings.contains { $0.contains("1 rows changed, 0 removed") })
        // What the invoice reads: every row charged (here unpriced: no rate card), 5.5 hours.
        #expect(try w.db.scalar("SELECT sum(CAST(quantity AS REAL)) FROM invoice_lines WHERE period = '2026-04'")?.description == "5.5")
    }

    @Test func aRecordGoneFromAWindowsNewAnswerIsRemovedAndOnlyThere() throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        let options = ImportOptions(kind: .pcUtilization)
        let day8 = ("2026-04-08T00:00:00Z", "2026-04-09T00:00:00Z"), day9 = ("2026-04-09T00:00:00Z", "2026-04-10T00:00:00Z")
        try importer.importFile(Self.page(hours: "2", from: day8.0, to: day8.1, extra: "1"), file: "a", options: options, now: Self.now)
        try importer.importFile(Self.page(hours: "3", from: day9.0, to: day9.1, extra: "-0.5"), file: "b", options: options, now: Self.now)
        #expect(try Self.hours(w) == "5.5")
        let again = try importer.importFile(Self.page(hours: "2", from: day8.0, to: day8.1), file: "c", options: options, now: Self.now)
        #expect(again.warnings.contains { $0.contains("0 rows changed, 1 removed") })
        #expect(try Self.hours(w) == "4.5")
        #expect(try w.db.scalar("SELECT page_ids FROM reported_windows WHERE reported_start = ?", day8.0)?.string == "[3]")
    }

    @Test func aPageWithoutItsWindowIsRefusedUnlessTheOptionsSayIt() throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        let page = Data(#"{"items":[{"usageStartTime":"2026-04-08T00:00:00Z","usageEndTime":"2026-04-09T00:00:00Z","resource":{"id":"m"},"quantity":2}]}"#.utf8)
        let refused = #expect(throws: ImportError.self) {
            try importer.importFile(page, file: "p.json", options: ImportOptions(kind: .pcUtilization, subscription: "s"), now: Self.now)
        }
        #expect(refused?.description.contains("--reported-day") == true)
        #expect(try w.count("usage") == 0 && w.count("raw_pages") == 0)
        let options = ImportOptions(kind: .pcUtilization, subscription: "s", reported: ReportedWindow(day: UTCTime(year: 2026, month: 4, day: 9)))
        try importer.importFile(page, file: "p.json", options: options, now: Self.now)
        #expect(try w.db.scalar("SELECT reported_start || ' ' || reported_end FROM usage")?.string == "2026-04-09T00:00:00Z 2026-04-10T00:00:00Z")
        // The page's own window wins over nothing, and disagreeing with it is refused.
        let other = ImportOptions(kind: .pcUtilization, reported: ReportedWindow(day: UTCTime(year: 2026, month: 4, day: 1)))
        #expect(throws: ImportError.self) {
            try importer.importFile(Self.page(hours: "1", from: "2026-04-08T00:00:00Z", to: "2026-04-09T00:00:00Z"), file: "q", options: other, now: Self.now)
        }
    }

    @Test func arcgisBucketsAreStillRestatedByARepull() throws {
        let w = try TestWarehouse()
        let importer = Loader(db: w.db, config: .defaults)
        let options = ImportOptions(kind: .agolUsage, org: "ORG")
        func usage(_ credits: String) -> Data {
            Data(#"{"startTime":1775606400000,"endTime":1775692800000,"period":"1d","data":[{"username":"ann","credits":[["1775606400000","\#(credits)"]]}]}"#.utf8)
        }
        try importer.importFile(usage("2"), file: "a", options: options, now: Self.now)
        try importer.importFile(usage("3"), file: "b", options: options, now: Self.now)
        let rows = try w.db.rows("SELECT quantity, reported_start FROM usage WHERE source = 'arcgis'")
        #expect(rows.map { $0.map(\.description) } == [["3", ""]], "a re-pulled bucket replaces its total")
        #expect(StreamSpec.agolUsage.replaces == .usageBucket)
        #expect(StreamSpec.pcUtilization.replaces == .reportedWindow && StreamSpec.azureUsage.replaces == .reportedWindow)
    }

    @Test func withinOneAnswerARepeatedRecordCountsOnceAndOthersAddUp() throws {
        let one = AzureUsageRecord(
            usageStart: UTCTime(year: 2026, month: 4, day: 8), usageEnd: UTCTime(year: 2026, month: 4, day: 9), meterID: "m",
            quantity: 1, resourceURI: Self.vm)
        var half = one
        half.quantity = ExactDecimal.parse("0.5") ?? 0
        let page = PartnerCenterUtilizationPage(totalCount: 4, items: [one, one, half, one], links: PartnerCenterLinks(), itemSelfURI: nil)
        let batch = try Normalize.partnerCenterUtilization(
            page, source: "pc", customer: nil, subscription: "s", reported: ReportedWindow(day: UTCTime(year: 2026, month: 4, day: 9)), file: "p")
        #expect(batch.usage.count == 1)
        #expect(ExactDecimal.format(batch.usage[0].quantity) == "1.5", "1 (listed three times) + 0.5")
        #expect(batch.duplicatesCollapsed == 2 && batch.duplicatesSummed == 1)
    }

    @Test func thePagesOfOneAnswerAreMergedRecordByRecord() throws {
        let day = ReportedWindow(day: UTCTime(year: 2026, month: 4, day: 9))
        let hours = AzureUsageRecord(
            usageStart: UTCTime(year: 2026, month: 4, day: 8), usageEnd: UTCTime(year: 2026, month: 4, day: 9), meterID: "m",
            quantity: 24, resourceURI: Self.vm)
        var part = hours
        part.quantity = ExactDecimal.parse("6.24") ?? 0
        func batch(_ items: [AzureUsageRecord]) throws -> FactBatch {
            let page = PartnerCenterUtilizationPage(totalCount: Int64(items.count), items: items, links: PartnerCenterLinks(), itemSelfURI: nil)
            return try Normalize.partnerCenterUtilization(page, source: "pc", customer: nil, subscription: "s", reported: day, file: "p")
        }
        // Page 1 lists the 24 hours; page 2 lists them again and 6.24 more: 30.24, not 24 + 30.24.
        var merged = FactBatch()
        merged.addRecords(of: try batch([hours]))
        merged.addRecords(of: try batch([hours, part]))
        #expect(merged.usage.count == 1)
        #expect(ExactDecimal.format(merged.usage[0].quantity) == "30.24")
    }

    @Test func windowsAreReadFromTheLinksTheDocumentationShows() {
        let continuation = "/1f5c/usage-records?entitlement_id=87f4&reported_start_time=2015-12-02+00%3a00%3a00Z&reported_end_time=2015-12-03+00%3a00%3a00Z&count=100"
        #expect(ReportedWindow.fromQuery(continuation) == ReportedWindow(day: UTCTime(year: 2015, month: 12, day: 2)))
        let next = "https://management.azure.com/subscriptions/s/providers/Microsoft.Commerce/UsageAggregates?api-version=2015-06-01-preview&reportedStartTime=2015-06-22T00%3A00%3A00%2B00%3A00&reportedEndTime=2015-06-23T00%3A00%3A00%2B00%3A00&continuationToken=x"
        #expect(ReportedWindow.fromQuery(next) == ReportedWindow(day: UTCTime(year: 2015, month: 6, day: 22)))
        let local = "customers/c/subscriptions/s/utilizations/azure?start_time=2017-07-02T00:00:00-08:00&amp;end_time=2017-07-03T00:00:00-08:00"
        #expect(ReportedWindow.fromQuery(local) == ReportedWindow(start: UTCTime(year: 2017, month: 7, day: 2, hour: 8), end: UTCTime(year: 2017, month: 7, day: 3, hour: 8)))
    }
}
