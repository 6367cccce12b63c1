import Foundation
import Streams
import TestSupport
import Testing
import Transform
import WarehouseCore

/// The stream declarations, without HTTP or a database: each kind decodes its own document, names
/// are unique and round-trip, and what a load reprices and a re-pull replaces is as declared.
@Suite struct StreamSpecTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let kind: StreamSpec
        let fixture: String
        let options: ImportOptions
        var testDescription: String { "\(kind.name) decodes \(fixture)" }
        init(
            _ kind: StreamSpec, _ fixture: String, customer: String? = nil, subscription: String? = nil, org: String? = nil,
            reported: ReportedWindow? = nil
        ) {
            self.kind = kind
            self.fixture = fixture
            self.options = ImportOptions(
                kind: kind, customer: customer, subscription: subscription, org: org, asOf: UTCTime(year: 2026, month: 11, day: 15),
                reported: reported)
        }
    }

    static let cases: [Case] = [
        Case(.pcCustomers, "customers-page.json"),
        Case(.pcSubscriptions, "GetCustomerSubscription.json", customer: "c1"),
        Case(.pcUtilization, "GetUtilizationRecords.json", customer: "c1", subscription: "s1"),
        Case(.pcRateCard, "GetAzureRateCard.json"),
        // A UsageAggregates page without a nextLink does not say its reported window: it is given.
        Case(.azureUsage, "UsageAggregates-spec-example.json", reported: ReportedWindow(day: UTCTime(year: 2015, month: 6, day: 23))),
        Case(.azureRateCard, "RateCard-spec-example.json"),
        Case(.agolSelf, "portals-self.json"),
        Case(.agolUsers, "users-page.json", org: "org1"),
        Case(.agolItems, "items-page.json", org: "org1"),
        Case(.agolCreditsCSV, "credits-report.csv", org: "org1"),
        Case(.azureCostExport, "cost-export-ea.csv"),
    ]

    @Test(arguments: cases) func eachKindDecodesItsOwnDocument(_ c: Case) throws {
        let batch = try c.kind.decode(try Fixture.data(c.fixture), file: c.fixture, options: c.options, now: UTCTime(year: 2026, month: 11, day: 20))
        #expect(batch.records > 0)
        #expect(c.options.sourceName == c.kind.defaultSource)
    }

    @Test func everyKindIsDeclaredOnceAndFoundByItsName() {
        #expect(Set(StreamSpec.all.map(\.name)).count == StreamSpec.all.count)
        for spec in StreamSpec.all { #expect(StreamSpec.named(spec.name) == spec) }
        #expect(StreamSpec.named("pc-usage") == nil)
        #expect(StreamSpec.all.count == Self.cases.count + 1)  // agol-usage has its own tests (bucket replacement)
    }

    @Test func checkpointsAreKeyedPerSubscriptionWhereTheStreamSaysSo() {
        #expect(StreamSpec.pcUtilization.checkpoint(subscription: "46A62ECE") == "utilization/46a62ece")
        #expect(StreamSpec.azureUsage.checkpoint(subscription: "AB") == "usage/ab")
        #expect(StreamSpec.agolUsage.checkpoint(subscription: "ignored") == "usage")
        #expect(StreamSpec.pcRateCard.checkpoint() == "ratecard")
    }

    @Test func whatALoadRepricesAndARepullReplacesIsDeclared() {
        #expect(StreamSpec.all.filter { $0.reprice == .everyMonth }.map(\.name).sorted()
            == ["agol-users", "azure-ratecard", "pc-ratecard", "pc-subscriptions"])
        #expect(StreamSpec.all.filter { $0.reprice == .none }.map(\.name).sorted() == ["agol-self", "pc-customers"])
        #expect(StreamSpec.agolUsage.replaces == .usageBucket)
        #expect(StreamSpec.all.filter { $0.replaces == .reportedWindow }.map(\.name).sorted() == ["azure-usage", "pc-utilization"])
        #expect(StreamSpec.agolItems.replaces == .snapshotDay)
        #expect(StreamSpec.all.filter { $0.window == .files }.map(\.name).sorted() == ["agol-credits-csv", "azure-cost-export"])
    }

    @Test func theContextRoundTripsThroughItsStoredJSON() throws {
        let options = ImportOptions(kind: .agolItems, source: "arcgis", org: "JX", asOf: UTCTime(year: 2026, month: 11, day: 15))
        let back = try #require(ImportOptions(kind: .agolItems, source: "arcgis", contextJSON: options.contextJSON))
        #expect(back.org == "JX" && back.asOf == options.asOf && back.customer == nil)
        #expect(options.contextJSON == #"{"org":"JX","as_of":"2026-11-15"}"#)
    }
}
