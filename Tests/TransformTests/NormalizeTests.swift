import Extract
import Foundation
import TestSupport
import Testing
import WarehouseCore

@testable import Transform

@Suite struct ResourceURITests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let uri: String
        let expected: ResourceURI
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(
            name: "resourceGroups", uri: "/subscriptions/46A62ECE-10AD-42E5-B3F1-B2ED53E6FC08/resourceGroups/ASRWest/providers/Microsoft.Storage/storageAccounts/contoso",
            expected: ResourceURI(subscriptionID: "46a62ece-10ad-42e5-b3f1-b2ed53e6fc08", resourceGroup: "asrwest", providerType: "Microsoft.Storage/storageAccounts", name: "contoso")),
        Case(
            name: "resourcegroups", uri: "/subscriptions/ab7e2384-eeee-489a-a14f-1eb41ddd261d/resourcegroups/system.local/providers/Microsoft.Storage/storageaccounts/srp",
            expected: ResourceURI(subscriptionID: "ab7e2384-eeee-489a-a14f-1eb41ddd261d", resourceGroup: "system.local", providerType: "Microsoft.Storage/storageaccounts", name: "srp")),
        Case(
            name: "RESOURCEGROUPS, no leading slash", uri: "SUBSCRIPTIONS/s1/RESOURCEGROUPS/RG-1/PROVIDERS/Microsoft.Web/sites/app",
            expected: ResourceURI(subscriptionID: "s1", resourceGroup: "rg-1", providerType: "Microsoft.Web/sites", name: "app")),
        Case(
            name: "no resource group", uri: "/subscriptions/s1/providers/Microsoft.Security/pricings/default",
            expected: ResourceURI(subscriptionID: "s1", resourceGroup: nil, providerType: "Microsoft.Security/pricings", name: "default")),
        Case(name: "subscription only", uri: "/subscriptions/s1", expected: ResourceURI(subscriptionID: "s1")),
        Case(name: "not an ARM id", uri: "https://contoso.blob.core.windows.net/x", expected: ResourceURI()),
        Case(name: "empty", uri: "", expected: ResourceURI()),
    ])
    func parses(_ c: Case) {
        #expect(ResourceURI(parsing: c.uri) == c.expected)
    }
}

@Suite struct NormalizeAzureTests {
    @Test func utilizationFactsFromTheCapture() throws {
        let page = try PartnerCenterUtilizationPage.decode(try Fixture.data("GetAzureUtilization.json"), file: "u.json")
        let batch = try Normalize.partnerCenterUtilization(page, source: "pc", customer: nil, subscription: nil, file: "u.json")
        #expect(batch.records == 37)
        #expect(batch.usage.count + batch.duplicatesCollapsed + batch.duplicatesSummed == 37)
        let fact = try #require(batch.usage.first)
        #expect(fact.accountID == "46a62ece-10ad-42e5-b3f1-b2ed53e6fc08")
        #expect(fact.customerID == "278aaea7-4b3f-4a69-a115-ab07bf793396")
        #expect(fact.resourceGroup == "asrwest")
        #expect(fact.usageStart == "2018-07-20T00:00:00Z")
        #expect(ExactDecimal.format(fact.quantity) == "0.0053")
        #expect(batch.periods == ["2018-07"])
    }

    @Test func identicalRecordsCollapseAndTheResourceSubscriptionIsKept() throws {
        let page = try PartnerCenterUtilizationPage.decode(try Fixture.data("GetUtilizationRecords.json"), file: "r.json")
        let batch = try Normalize.partnerCenterUtilization(page, source: "pc", customer: nil, subscription: nil, file: "r.json")
        #expect(batch.usage.count == 1)
        #expect(batch.duplicatesCollapsed == 1)
        let fact = try #require(batch.usage.first)
        #expect(ExactDecimal.format(fact.quantity) == "0.217790327034891")  // not doubled
        #expect(fact.accountID == "fc8f8908-f918-4406-af13-d5bc0fe41865")
        #expect(fact.subscriptionID == "ab7e2384-eeee-489a-a14f-1eb41ddd261d")
        #expect(fact.resourceGroup == "system.local")
        #expect(fact.usageStart == "2017-06-08T00:00:00Z")
    }

    @Test func sameKeyDifferentQuantitiesAreSummed() throws {
        let record = AzureUsageRecord(
            usageStart: UTCTime(year: 2026, month: 10, day: 1), usageEnd: UTCTime(year: 2026, month: 10, day: 2), meterID: "M1",
            quantity: ExactDecimal.parse("1.25") ?? 0, resourceURI: "/subscriptions/S/resourceGroups/R/providers/P/t/n")
        var second = record
        second.quantity = ExactDecimal.parse("0.5") ?? 0
        second.meterID = "m1"  // the key ignores case
        let page = PartnerCenterUtilizationPage(totalCount: 2, items: [record, second], links: PartnerCenterLinks(), itemSelfURI: nil)
        let batch = try Normalize.partnerCenterUtilization(
            page, source: "pc", customer: "C", subscription: "SUB", reported: ReportedWindow(day: UTCTime(year: 2026, month: 10, day: 2)), file: "x")
        #expect(batch.usage.count == 1)
        #expect(batch.duplicatesSummed == 1)
        #expect(ExactDecimal.format(batch.usage[0].quantity) == "1.75")
        #expect(batch.usage[0].accountID == "sub")
        #expect(batch.usage[0].customerID == "c")
    }

    @Test func utilizationWithoutSubscriptionAsksForIt() throws {
        let page = PartnerCenterUtilizationPage(totalCount: 0, items: [], links: PartnerCenterLinks(), itemSelfURI: nil)
        let error = try #require(throws: NormalizeError.self) {
            try Normalize.partnerCenterUtilization(page, source: "pc", customer: nil, subscription: nil, file: "page.json")
        }
        #expect(error.description.hasPrefix("page.json: "))
        #expect(error.description.contains("--subscription"))
    }

    @Test func instanceDataTagsKeepCasingAndValues() throws {
        let page = try AzureUsageAggregatesPage.decode(try Fixture.data("usage-aggregates-instancedata.json"), file: "u.json")
        let batch = try Normalize.azureUsage(
            page, source: "azure", subscription: nil, reported: ReportedWindow(day: UTCTime(year: 2015, month: 6, day: 23)), file: "u.json")
        let fact = try #require(batch.usage.first)
        #expect(fact.tags == #"{"Department":"Sales","Project":"Demo Usage API"}"#)
        #expect(fact.meterID == "e60caf26-9ba0-413d-a422-6141f58081d6")
        #expect(fact.resourceGroup == "demousageapi")
        #expect(batch.resources.first?.name == "MyDockerVM")
        #expect(batch.meters.first?.name == "Compute Hours")
    }

    @Test func rateCardTiersSortedAsNumbers() throws {
        let card = try PartnerCenterRateCard.decode(try Fixture.data("ratecard-tiered.json"), file: "r.json")
        let batch = Normalize.rateCard(card, source: "pc")
        #expect(batch.rates.map { ExactDecimal.format($0.tierMin) } == ["0", "5", "10240", "51200"])
        #expect(batch.rates.allSatisfy { $0.meterID == "7a2639ce-ae47-4413-9837-6b4f4b78be3d" && $0.currency == "EUR" })
        #expect(batch.rates.first?.effectiveDate == "2017-01-01T08:00:00Z")
        #expect(batch.offerTerms.first?.excludedMeterIDs == ["53cc0061-0fe2-4249-bf62-e1008c811f5c"])
    }

    @Test func costExportRowsCarryTheirCost() throws {
        let export = try CostExport.decode(try Fixture.data("cost-export-ea.csv"), file: "ea.csv")
        let batch = Normalize.costExport(export, source: "azure-export")
        // Rows 1 and 2 share subscription, resource, meter and day: summed.
        #expect(batch.usage.count == 2)
        let first = batch.usage[0]
        #expect(ExactDecimal.format(first.quantity) == "1.557865")
        #expect(first.cost.map(ExactDecimal.format) == "0.07787")
        #expect(first.costCurrency == "USD")
        #expect(first.resourceGroup == "dns-prod")
        #expect(first.accountID == "f68815e6-3c41-45ef-bbd8-5f83303c396b")
        #expect(first.meterID == "0e9d0c9b-ab6d-4312-9c7e-3794e22af9c4")
        #expect(first.tags == #"{"costCenter":"Networking","env":"prod"}"#)
    }
}
