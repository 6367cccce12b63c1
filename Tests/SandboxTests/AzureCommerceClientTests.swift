import Extract
import Foundation
import Sandbox
import Testing
import Transport
import WarehouseCore

struct AzureCommerceClientTests {
    static func pull(_ harness: Harness) async throws -> GroundTruth {
        var truth = GroundTruth()
        for sub in harness.server.organization.directSubscriptions {
            for try await page in harness.commerce().usageAggregates(subscriptionID: sub.id, from: Harness.windowStart, to: Harness.windowEnd) {
                try RecordReader.addCommerce(page, to: &truth)
            }
        }
        return truth
    }

    @Test func everyRecordComesOutExactlyOnceAlsoUnderFaults() async throws {
        let clean = try await Harness(SandboxConfiguration(seed: 13, recordsPerDay: 600))
        let cleanTruth = try await Self.pull(clean)
        #expect(cleanTruth == clean.commerceTruth)
        #expect(cleanTruth.count == 2 * 7 * 600)
        await clean.server.stop()

        let faulty = try await Harness(SandboxConfiguration(seed: 13, recordsPerDay: 600, faults: .all, faultPermille: 700))
        let faultyTruth = try await Self.pull(faulty)
        let injected = faulty.server.state.injectedFaults
        await faulty.server.stop()
        #expect(faultyTruth == cleanTruth)
        #expect(injected.values.reduce(0, +) >= 3)
        #expect(faulty.server.state.rejectedContinuations == 0)
    }

    @Test func notReadyIs202AndReported() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1, faults: .notReady, faultPermille: 1000), attempts: 2)
        defer { Task { await harness.server.stop() } }
        let sub = try #require(harness.server.organization.directSubscriptions.first)
        let error = await #expect(throws: HTTPError.self) {
            for try await _ in harness.commerce().usageAggregates(subscriptionID: sub.id, from: Harness.windowStart, to: Harness.windowEnd) {}
        }
        guard case .notReady(let status, _, _)? = error else {
            Issue.record("expected notReady, got \(String(describing: error))")
            return
        }
        #expect(status == 202)
    }

    @Test func rateCardSendsAllFourFilterTerms() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await harness.server.stop() } }
        let sub = try #require(harness.server.organization.directSubscriptions.first)
        let page = try await harness.commerce().rateCard(subscriptionID: sub.id, offerDurableID: "MS-AZR-0003P", currency: "USD", locale: "en-US", region: "US")
        let json = try RecordReader.json(page.body)
        #expect(json["Currency"] as? String == "USD")
        #expect((json["Meters"] as? [Any])?.count == MeterCatalogue.meters.count)
    }

    @Test(arguments: [
        ("no RegionInfo", "OfferDurableId eq 'MS-AZR-0003P' and Currency eq 'USD' and Locale eq 'en-US'"),
        ("no Currency", "OfferDurableId eq 'MS-AZR-0003P' and Locale eq 'en-US' and RegionInfo eq 'US'"),
        ("empty", ""),
    ])
    func rateCardFilterMissingATermIsRejected(_ name: String, _ filter: String) async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await harness.server.stop() } }
        let sub = try #require(harness.server.organization.directSubscriptions.first)
        let token = try await harness.commerce().tokens.token()
        let url = "\(harness.server.managementURL)/subscriptions/\(sub.id)/providers/Microsoft.Commerce/RateCard?"
            + URLText.query([("api-version", "2015-06-01-preview"), ("$filter", filter)])
        let error = await #expect(throws: HTTPError.self, "\(name)") {
            _ = try await harness.http.send(HTTPRequest(url: url, headers: [(name: "Authorization", value: "Bearer \(token)")]))
        }
        #expect(error?.statusCode == 400)
        #expect(error?.description.contains("InvalidFilterInQueryString") == true)
    }

    @Test func partnerCenterTokenIsRefusedByResourceManager() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await harness.server.stop() } }
        let sub = try #require(harness.server.organization.directSubscriptions.first)
        let pcToken = try await harness.partnerCenter().tokens.token()
        let url = "\(harness.server.managementURL)/subscriptions/\(sub.id)/providers/Microsoft.Commerce/UsageAggregates?api-version=2015-06-01-preview&reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-02T00:00:00Z"
        let error = await #expect(throws: HTTPError.self) {
            _ = try await harness.http.send(HTTPRequest(url: url, headers: [(name: "Authorization", value: "Bearer \(pcToken)")]))
        }
        #expect(error?.statusCode == 401)
        #expect(error?.description.contains("InvalidAuthenticationToken") == true)
    }
}
