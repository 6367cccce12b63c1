import Extract
import Foundation
import TestSupport
import Testing
import WarehouseCore

@testable import Transform

@Suite struct StorageCreditTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: Int64
        let days: Int
        let feature: String
        let file: String
        var testDescription: String { name }
    }

    // By hand: 256 MB of feature data = 25.6 x 10 MB x 2.4 = 61.44 credits a month; / 30 = 2.048 a day.
    // 1 GB of files = 1.2 credits a month; / 30 = 0.04, / 31 = 0.0387096774 (10 places), / 28 = 0.0428571429;
    // 256 MB of files = 0.25 GB x 1.2 = 0.3 a month = 0.01 a day; 10 MB = 1.2 / 102.4 / 30 = 0.000390625 a day.
    @Test(arguments: [
        Case(name: "256 MB, 30 days", bytes: 268_435_456, days: 30, feature: "2.048", file: "0.01"),
        Case(name: "1 GB, 30 days", bytes: 1_073_741_824, days: 30, feature: "8.192", file: "0.04"),
        Case(name: "1 GB, 31 days", bytes: 1_073_741_824, days: 31, feature: "7.9277419355", file: "0.0387096774"),
        Case(name: "1 GB, 28 days", bytes: 1_073_741_824, days: 28, feature: "8.7771428571", file: "0.0428571429"),
        Case(name: "10 MB, 30 days", bytes: 10_485_760, days: 30, feature: "0.08", file: "0.000390625"),
        Case(name: "nothing", bytes: 0, days: 30, feature: "0", file: "0"),
    ])
    func dailyCredits(_ c: Case) {
        #expect(ExactDecimal.format(Normalize.StorageRate.featureCreditsPerDay(bytes: c.bytes, daysInMonth: c.days)) == c.feature)
        #expect(ExactDecimal.format(Normalize.StorageRate.fileCreditsPerDay(bytes: c.bytes, daysInMonth: c.days)) == c.file)
    }

    @Test func itemsBecomeSnapshotsAndDailyStorageUsage() throws {
        var page = try ArcGISItemsPage.decode(try Fixture.data("items-page.json"), file: "items.json")
        // What the nightly run learns from the hosted layer's queryAttachments.
        page.items[4].attachmentBytes = 10_485_760
        let asOf = UTCTime(year: 2026, month: 11, day: 15, hour: 13)
        let batch = try Normalize.arcgisItems(page, source: "arcgis", org: nil, asOf: asOf, file: "items.json")
        // The item of unknown size is skipped with a warning, never stored as 0.
        #expect(batch.storageSnapshots.count == 4)
        #expect(batch.warnings.count == 1)
        #expect(batch.warnings.first?.contains("a5b00000000000000000000000000003") == true)
        #expect(batch.storageSnapshots.map(\.storageClass) == ["feature", "none", "file", "feature"])
        #expect(batch.storageSnapshots.allSatisfy { $0.snapshotDate == "2026-11-15" })
        let usage = Dictionary(uniqueKeysWithValues: batch.usage.map { ("\($0.resourceID) \($0.meterID)", $0) })
        // November has 30 days: 256 MB of features = 2.048 credits a day.
        #expect(usage["a5b00000000000000000000000000001 stg.features"].map { ExactDecimal.format($0.quantity) } == "2.048")
        #expect(usage["a5b00000000000000000000000000004 stg.portal"].map { ExactDecimal.format($0.quantity) } == "0.04")
        // 110 MB with 10 MB of attachments: 100 MB at the feature rate, 10 MB at the file rate.
        #expect(usage["a5b00000000000000000000000000005 stg.features"].map { ExactDecimal.format($0.quantity) } == "0.8")
        #expect(usage["a5b00000000000000000000000000005 stg.portal"].map { ExactDecimal.format($0.quantity) } == "0.000390625")
        #expect(batch.storageSnapshots[3].featureBytes == 104_857_600)
        #expect(batch.storageSnapshots[3].attachmentBytes == 10_485_760)
        // The view costs nothing.
        #expect(usage.keys.allSatisfy { !$0.hasPrefix("a5b00000000000000000000000000002") })
        let first = try #require(usage["a5b00000000000000000000000000001 stg.features"])
        #expect(first.usageStart == "2026-11-15T00:00:00Z")
        #expect(first.usageEnd == "2026-11-16T00:00:00Z")
        #expect(first.userName == "jdoe")
        #expect(first.unit == "credits")
        #expect(first.accountID == "JXrNeAy8ce1q2b4l")
        #expect(batch.resources.first?.tags == #"{"parcels":true}"#)
        #expect(first.tags == #"{"parcels":true}"#)
        #expect(Normalize.tagObject(["costCenter: Ops", "gis", "a:b:c"]) == #"{"costCenter":"Ops","gis":true,"a":"b:c"}"#)
    }

    @Test func usageResponseRowsPerUserServiceAndDay() throws {
        let response = try ArcGISUsageResponse.decode(try Fixture.data("usage-docstring-example.json"), file: "u.json")
        let batch = try Normalize.arcgisUsage(response, source: "arcgis", org: "ORG", file: "u.json")
        // Four credits points, three of them zero; the `num` row is not credits.
        #expect(batch.records == 4)
        #expect(batch.usage.count == 1)
        let fact = try #require(batch.usage.first)
        #expect(ExactDecimal.format(fact.quantity) == "0.0002")
        #expect(fact.userName == "<user_name1>")
        #expect(fact.resourceID == "user:<user_name1>")
        #expect(fact.meterID == "credits")
        #expect(fact.usageStart == "2023-01-02T00:00:00Z")
        #expect(fact.usageEnd == "2023-01-03T00:00:00Z")
    }

    @Test func storageLevelsAreNeverSummed() throws {
        let body = #"{"period":"1d","data":[{"etype":"stg","stype":"features","name":"Parcels","stg":[["1672099200000","1048576"],["1672185600000","1048576"]],"credits":[["1672099200000","0.25"],["1672185600000","0.25"]]},{"username":"a","etype":"svcusg","stype":"geoenrich","credits":[["1672099200000","1.5E1"]]},{"username":"b","etype":"svcusg","stype":"geoenrich","credits":[["1672099200000","3"]]}]}"#
        let response = try ArcGISUsageResponse.decode(Data(body.utf8), file: "s.json")
        let batch = try Normalize.arcgisUsage(response, source: "arcgis", org: "ORG", file: "s.json")
        #expect(batch.usage.count == 4)
        // Two users, same meter and day: two rows (the user is part of resource_id).
        #expect(Set(batch.usage.filter { $0.meterID == "svcusg.geoenrich" }.map(\.resourceID)) == ["user:a", "user:b"])
        #expect(batch.usage.first { $0.resourceID == "user:a" }.map { ExactDecimal.format($0.quantity) } == "15")
        // The storage rows are the service's credits per bucket, not its bytes.
        let storage = batch.usage.filter { $0.meterID == "stg.features" }
        #expect(storage.map(\.resourceID) == ["Parcels", "Parcels"])
        #expect(storage.map { ExactDecimal.format($0.quantity) } == ["0.25", "0.25"])
    }

    @Test func usersAndBudgets() throws {
        let page = try ArcGISUsersPage.decode(try Fixture.data("users-page.json"), file: "u.json")
        let batch = Normalize.arcgisUsers(page, source: "arcgis", org: "ORG", asOf: UTCTime(year: 2026, month: 11, day: 1))
        #expect(batch.users.map(\.tags) == [#"["costCenter:Planning","gis"]"#, "[]", #"["costCenter:Ops"]"#])
        #expect(batch.users[2].orgID == "ORG")
        #expect(batch.creditBudgets[0].availableCredits == ExactDecimal.parse("812.5"))
        #expect(batch.creditBudgets[1].assignedCredits == nil && batch.creditBudgets[1].availableCredits == nil)
        #expect(batch.creditBudgets.allSatisfy { $0.snapshotDate == "2026-11-01" })
    }

    @Test func creditsReportMetersAndInterval() throws {
        let report = try CreditsReport.decode(try Fixture.data("credits-report.csv"), file: "c.csv")
        let batch = try Normalize.creditsReport(report, source: "arcgis", org: "ORG", asOf: UTCTime(year: 2026, month: 11, day: 1), file: "c.csv")
        #expect(Set(batch.usage.map(\.meterID)) == ["geocodecnt.geocode", "svcusg.spanalysis", "stg.features"])
        #expect(batch.usage.count == 4)  // zero cells skipped
        #expect(batch.usage.allSatisfy { $0.usageStart == "2026-10-01T00:00:00Z" })
    }
}
