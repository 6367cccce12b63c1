import Foundation
import Testing
import WarehouseCore

@testable import Extract

/// Every captured sample decodes, with its quirks.
@Suite struct SampleDecodingTests {
    func decimal(_ text: String) -> Decimal { ExactDecimal.parse(text) ?? .nan }

    @Test func azureUtilizationHasAByteOrderMarkAnd37Records() throws {
        let data = try Fixture.data("GetAzureUtilization.json")
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let page = try PartnerCenterUtilizationPage.decode(data, file: "GetAzureUtilization.json")
        #expect(page.totalCount == 37)
        #expect(page.items.count == 37)
        let first = try #require(page.items.first)
        #expect(first.quantity == decimal("0.0053"))
        #expect(first.meterID == "923978e1-fd3f-4bd5-a798-f4b533057e46")
        #expect(first.usageStart.iso8601 == "2018-07-20T00:00:00Z")
        #expect(first.resourceURI?.contains("/resourceGroups/ASRWest/") == true)
        let ids = page.customerAndSubscription
        #expect(ids.customer == "278aaea7-4b3f-4a69-a115-ab07bf793396")
        #expect(ids.subscription == "46a62ece-10ad-42e5-b3f1-b2ed53e6fc08")
        // Reported 07-21..23, but consumed from 07-20: five records start on the 20th.
        #expect(page.items.filter { $0.usageStart.day == "2018-07-20" }.count == 5)
    }

    @Test func utilizationRecordsWithOffsetsAndNestedQuirks() throws {
        let page = try PartnerCenterUtilizationPage.decode(try Fixture.data("GetUtilizationRecords.json"), file: "GetUtilizationRecords.json")
        #expect(page.items.count == 2)
        // -07:00 offsets become UTC.
        #expect(page.items[0].usageStart.iso8601 == "2017-06-08T00:00:00Z")
        #expect(page.items[0].usageEnd.iso8601 == "2017-06-09T00:00:00Z")
        #expect(page.items[0].quantity == decimal("0.217790327034891"))
        #expect(ExactDecimal.format(page.items[0].quantity) == "0.217790327034891")
        // The two records are identical in every field the reader keeps (the second's stray
        // `attributes` inside instanceData is ignored).
        #expect(page.items[0] == page.items[1])
        #expect(page.items[0].additionalInfo?["azureStack.MeterId"] == .string("09F8879E-87E9-4305-A572-4B7BE209F857"))
        // `links` sits inside the second item; the page still learns its subscription from it.
        #expect(page.links.selfLink == nil)
        #expect(page.customerAndSubscription.subscription == "fc8f8908-f918-4406-af13-d5bc0fe41865")
        #expect(page.customerAndSubscription.customer == "e499c962-9218-4dba-8b83-8adc94f47b9f")
    }

    @Test func partnerCenterRateCardWithBOMAndNoOfferTerms() throws {
        let card = try PartnerCenterRateCard.decode(try Fixture.data("GetAzureRateCard.json"), file: "GetAzureRateCard.json")
        #expect(card.currency == "USD")
        #expect(card.meters.count == 2)
        #expect(card.offerTerms.isEmpty)
        #expect(card.meters[1].tiers == [RateCardTier(threshold: 0, unitPrice: decimal("3.415045"))])
        #expect(card.meters[0].effectiveDate.iso8601 == "2017-04-01T00:00:00Z")
    }

    @Test func thresholdsSortAsNumbersAndOfferTermsRead() throws {
        let card = try PartnerCenterRateCard.decode(try Fixture.data("ratecard-tiered.json"), file: "ratecard-tiered.json")
        let meter = try #require(card.meters.first)
        #expect(meter.tiers.map { ExactDecimal.format($0.threshold) } == ["0", "5", "10240", "51200"])
        #expect(meter.includedQuantity == 5)
        #expect(meter.effectiveDate.iso8601 == "2017-01-01T08:00:00Z")
        #expect(card.offerTerms.first?.discount == decimal("0.15"))
        #expect(card.offerTerms.first?.effectiveDate.iso8601 == "2014-01-01T00:00:00Z")
        #expect(card.offerTerms.first?.excludedMeterIDs == ["53CC0061-0FE2-4249-BF62-E1008C811F5C"])
    }

    @Test func subscriptionsPage() throws {
        let page = try PartnerCenterSubscriptionsPage.decode(try Fixture.data("GetCustomerSubscription.json"), file: "s.json")
        #expect(page.items.map(\.billingType) == ["usage", "license"])
        #expect(page.items.map(\.status) == ["active", "suspended"])
        #expect(page.items[0].customerID == "46a62ece-10ad-42e5-b3f1-b2ed53e6fc08")
    }

    @Test func customersPageWithNextLink() throws {
        let page = try PartnerCenterCustomersPage.decode(try Fixture.data("customers-page.json"), file: "c.json")
        #expect(page.items.map(\.companyName) == ["Contoso", "Fabrikam"])
        #expect(page.links.next?.uri == "customers?size=2&seekOperation=Next")
        #expect(page.links.next?.headers.first?.key == "MS-ContinuationToken")
        #expect(page.links.next?.headers.first?.value == "AAEAAAD/////AQAAAAAAAAAMAgAAAE1NaWNyb3NvZnQ=")
    }

    @Test func usageAggregatesLegacyRecordWithEnDash() throws {
        let page = try AzureUsageAggregatesPage.decode(try Fixture.data("UsageAggregates-spec-example.json"), file: "u.json")
        let record = try #require(page.items.first)
        #expect(record.meterName == "Standard IO – Page Blob/Disk (GB)")
        #expect(record.resourceURI == nil)
        #expect(record.infoFields?["project"] == .string("devtestvhdsd37a7bb567f9"))
        #expect(record.meterRegion == "West US")
        #expect(record.quantity == decimal("0.057865"))
        #expect(record.subscriptionID == "f68815e6-3c41-45ef-bbd8-5f83303c396b")
        #expect(page.nextLink == nil)
    }

    @Test func usageAggregatesInstanceDataIsParsedASecondTime() throws {
        let page = try AzureUsageAggregatesPage.decode(try Fixture.data("usage-aggregates-instancedata.json"), file: "u.json")
        let record = try #require(page.items.first)
        #expect(record.resourceURI?.hasSuffix("/virtualMachines/MyDockerVM") == true)
        #expect(record.location == "eastus")
        #expect(record.tags["Department"] == .string("Sales"))
        #expect(record.tags["Project"] == .string("Demo Usage API"))
        #expect(record.additionalInfo?["ServiceType"] == .string("Standard_D1"))
        #expect(page.nextLink?.contains("continuationToken=abc") == true)
    }

    @Test func instanceDataThatIsNotJSONNamesTheRecord() throws {
        let text = #"{"value":[{"properties":{"usageStartTime":"2015-06-22T00:00:00Z","usageEndTime":"2015-06-23T00:00:00Z","meterId":"m","quantity":1,"instanceData":"{\"Microsoft.Resources\":{"}}]}"#
        let error = try #require(throws: DocumentError.self) { try AzureUsageAggregatesPage.decode(Data(text.utf8), file: "bad.json") }
        #expect(error.description.hasPrefix("bad.json: value[0].properties.instanceData: instanceData is not JSON"))
    }

    @Test func azureRateCardPascalCase() throws {
        let card = try AzureRateCard.decode(try Fixture.data("RateCard-spec-example.json"), file: "r.json")
        let meter = try #require(card.meters.first)
        #expect(meter.tiers == [RateCardTier(threshold: 0, unitPrice: decimal("1.99")), RateCardTier(threshold: 100, unitPrice: decimal("0.99"))])
        #expect(meter.tags == ["Third Party"])
        #expect(meter.unit == "Hours")
        #expect(card.currency == "USD")
    }

    @Test func arcgisUsageWithScientificNotation() throws {
        let usage = try ArcGISUsageResponse.decode(try Fixture.data("usage-docstring-example.json"), file: "u.json")
        #expect(usage.period == "1d")
        #expect(usage.rows.count == 3)
        #expect(usage.rows[0].series["credits"]?.last?.value == decimal("0.0002"))
        #expect(usage.rows[0].series["credits"]?.last?.time.iso8601 == "2023-01-02T00:00:00Z")
        #expect(usage.rows[0].userOrgID == nil)
        #expect(usage.rows[1].userOrgID == "JXrNeAy8ce1q2b4l")
        #expect(usage.rows[2].etype == "svcusg")
        #expect(usage.rows[2].series["num"]?.first?.value == 4)
    }

    @Test func portalSelf() throws {
        let portal = try ArcGISPortal.decode(try Fixture.data("portals-self.json"), file: "p.json")
        #expect(portal.id == "JXrNeAy8ce1q2b4l")
        #expect(portal.availableCredits == 50_018_196)
        #expect(portal.creditBudgeting)
        #expect(portal.maxUsers == 500)
    }

    @Test func usersPageWithNullBudgets() throws {
        let page = try ArcGISUsersPage.decode(try Fixture.data("users-page.json"), file: "u.json")
        #expect(page.nextStart == -1)
        #expect(page.users.map(\.username) == ["jdoe", "asmith", "kiosk"])
        #expect(page.users[0].availableCredits == decimal("812.5"))
        #expect(page.users[1].assignedCredits == nil)
        #expect(page.users[0].created?.iso8601 == "2017-06-06T11:24:48Z")
        #expect(page.users[2].created == nil)
        #expect(page.users[2].disabled)
    }

    @Test func itemsPageWithUnknownSize() throws {
        let page = try ArcGISItemsPage.decode(try Fixture.data("items-page.json"), file: "i.json")
        #expect(page.items.count == 5)
        #expect(page.items[0].size == 268_435_456)
        #expect(page.items[2].size == nil)
        // The fixture's `attachmentsSize` is a field no ArcGIS Online item has: it is not read
        // (attachment sizes come from the layers' queryAttachments).
        #expect(page.items[4].attachmentBytes == nil)
    }

    struct Envelope: Sendable, CustomTestStringConvertible {
        let fixture: String
        let code: Int
        let text: String
        var testDescription: String { fixture }
    }

    @Test(arguments: [
        Envelope(fixture: "agol-error-498.json", code: 498, text: "ArcGIS error 498: Invalid token."),
        Envelope(fixture: "agol-error-string-details.json", code: 400, text: "ArcGIS error 400: Unable to generate token. (Invalid username or password.)"),
    ])
    func errorEnvelopesFailWithTheirCode(_ c: Envelope) throws {
        let data = try Fixture.data(c.fixture)
        for decode in [
            { _ = try ArcGISUsersPage.decode(data, file: c.fixture) }, { _ = try ArcGISPortal.decode(data, file: c.fixture) },
            { _ = try ArcGISItemsPage.decode(data, file: c.fixture) }, { _ = try ArcGISUsageResponse.decode(data, file: c.fixture) },
        ] as [() throws -> Void] {
            let error = try #require(throws: ArcGISError.self) { try decode() }
            #expect(error.code == c.code)
            #expect(error.description == "\(c.fixture): \(c.text)")
        }
    }

    @Test func serverStyleErrorEnvelope() throws {
        let body = Data(#"{"status":"error","messages":["Token Expired."],"code":498}"#.utf8)
        let error = try #require(throws: ArcGISError.self) { try ArcGISUsersPage.decode(body, file: "x.json") }
        #expect(error.code == 498)
        #expect(error.isAuthenticationError)
    }
}
