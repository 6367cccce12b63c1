import Extract
import Foundation
import Sandbox
import TestSupport
import Testing
import Transport
import WarehouseCore

struct PartnerCenterClientTests {
    /// Pulls every utilization page of every usage subscription for the test window.
    static func pullAll(_ harness: Harness, pageSize: Int, concurrency: Int) async throws -> TruthAccumulator {
        let sink = TruthAccumulator()
        try await harness.partnerCenter(pageSize: pageSize).forEachUtilizationPage(
            from: Harness.windowStart, to: Harness.windowEnd, concurrency: concurrency
        ) { page in try sink.add(page) }
        return sink
    }

    @Test func everyRecordComesOutExactlyOnce() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 7, recordsPerDay: 130))
        defer { Task { await harness.server.stop() } }
        let sink = try await Self.pullAll(harness, pageSize: 400, concurrency: 3)
        let truth = harness.partnerCenterTruth
        #expect(truth.count == 6 * 7 * 130)
        #expect(sink.truth == truth)
        // 910 records a subscription at 400 a page: 3 pages each.
        #expect(sink.utilizationPages == 6 * 3)
        #expect(harness.server.state.rejectedContinuations == 0)
        // The client asked for compression and decoded it: pages arrive as plain JSON.
        #expect(harness.server.state.gzippedResponses >= sink.utilizationPages)
        await harness.server.stop()
    }

    @Test func everyFaultSwitchedOnChangesNothingInTheOutput() async throws {
        let clean = try await Harness(SandboxConfiguration(seed: 11, recordsPerDay: 90))
        let cleanSink = try await Self.pullAll(clean, pageSize: 100, concurrency: 2)
        await clean.server.stop()

        let faulty = try await Harness(
            SandboxConfiguration(seed: 11, recordsPerDay: 90, faults: .all, faultPermille: 600, tokenUses: 4), concurrency: 2)
        let faultySink = try await Self.pullAll(faulty, pageSize: 100, concurrency: 2)
        let injected = faulty.server.state.injectedFaults
        await faulty.server.stop()

        #expect(cleanSink.truth == clean.partnerCenterTruth)
        #expect(faultySink.truth == cleanSink.truth)
        #expect(faultySink.utilizationPages == cleanSink.utilizationPages)
        for kind in ["throttle", "server-error", "not-ready", "token-expiry", "truncated", "malformed", "slow"] {
            #expect(injected[kind, default: 0] > 0, "fault \(kind) was never injected")
        }
        // Every retry waited: Retry-After where given (1 s), backoff otherwise.
        #expect(!faulty.sleeper.recorded.isEmpty)
    }

    @Test func tokenExpiringMidPagingIsSurvivedWithoutLossOrRepetition() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 3, customers: 1, usageSubscriptionsPerCustomer: 1, recordsPerDay: 100, faults: .tokenExpiry, tokenUses: 2))
        defer { Task { await harness.server.stop() } }
        let client = harness.partnerCenter(pageSize: 50)
        let (customer, sub) = try #require(harness.server.organization.usageSubscriptions.first)
        var truth = GroundTruth()
        var pages = 0
        for try await page in client.utilization(customerID: customer.id, subscriptionID: sub.id, from: Harness.windowStart, to: Harness.windowEnd) {
            try RecordReader.addPartnerCenter(page, subscription: sub.id, to: &truth)
            pages += 1
        }
        #expect(pages == 14)
        #expect(truth == harness.server.organization.groundTruth(sub, from: Harness.windowStart, to: Harness.windowEnd))
        #expect(harness.server.state.injectedFaults["token-expiry", default: 0] >= 5)
        #expect(await client.tokens.fetchCount >= 6)
    }

    @Test func modifiedContinuationTokenIsRejected() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 5, customers: 1, usageSubscriptionsPerCustomer: 1, recordsPerDay: 30))
        defer { Task { await harness.server.stop() } }
        let client = harness.partnerCenter()
        let token = try await client.tokens.token()
        let (customer, sub) = try #require(harness.server.organization.usageSubscriptions.first)
        let first = "\(harness.server.partnerCenterURL)/customers/\(customer.id)/subscriptions/\(sub.id)/utilizations/azure?start_time=2026-03-01T00:00:00Z&end_time=2026-03-08T00:00:00Z&size=100"
        let auth = (name: "Authorization", value: "Bearer \(token)")
        let page = try await harness.http.send(HTTPRequest(url: first, headers: [auth]))
        let json = try RecordReader.json(page.body)
        let next = try #require((json["links"] as? [String: Any])?["next"] as? [String: Any])
        let uri = try #require(next["uri"] as? String)
        let header = try #require((next["headers"] as? [[String: Any]])?.first)
        let value = try #require(header["value"] as? String)
        #expect(value.contains("%3a") && value.contains("+"))
        let nextURL = "\(harness.server.partnerCenterURL)/\(uri)"

        // A "helpful" client that decodes the token breaks it; the sandbox says so.
        let decoded = value.replacingOccurrences(of: "%3a", with: ":")
        let error = await #expect(throws: HTTPError.self) {
            try await harness.http.send(HTTPRequest(url: nextURL, headers: [auth, (name: "MS-ContinuationToken", value: decoded)]))
        }
        #expect(error?.statusCode == 400)
        #expect(harness.server.state.rejectedContinuations == 1)

        // The exact bytes work.
        let ok = try await harness.http.send(HTTPRequest(url: nextURL, headers: [auth, (name: "MS-ContinuationToken", value: value)]))
        #expect(ok.status == 200)
    }

    @Test func notReadyIsReportedAsSuchWhenItOutlastsThePolicy() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1, customers: 1, usageSubscriptionsPerCustomer: 1, faults: .notReady, faultPermille: 1000), attempts: 2)
        defer { Task { await harness.server.stop() } }
        let (customer, sub) = try #require(harness.server.organization.usageSubscriptions.first)
        let error = await #expect(throws: HTTPError.self) {
            for try await _ in harness.partnerCenter().utilization(customerID: customer.id, subscriptionID: sub.id, from: Harness.windowStart, to: Harness.windowEnd) {}
        }
        guard case .notReady(let status, _, let retryAfter)? = error else {
            Issue.record("expected notReady, got \(String(describing: error))")
            return
        }
        #expect(status == 204)
        #expect(retryAfter == 1)
        #expect(harness.sleeper.recorded == [.seconds(1)])
    }

    @Test func notReadyIsWaitedOutWithRetryAfter() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1, customers: 1, usageSubscriptionsPerCustomer: 1, recordsPerDay: 10, faults: .notReady, faultPermille: 1000), attempts: 3)
        defer { Task { await harness.server.stop() } }
        let (customer, sub) = try #require(harness.server.organization.usageSubscriptions.first)
        var truth = GroundTruth()
        for try await page in harness.partnerCenter().utilization(customerID: customer.id, subscriptionID: sub.id, from: Harness.windowStart, to: Harness.windowEnd) {
            try RecordReader.addPartnerCenter(page, subscription: sub.id, to: &truth)
        }
        #expect(truth == harness.server.organization.groundTruth(sub, from: Harness.windowStart, to: Harness.windowEnd))
        // Two 204s with Retry-After: 1 before the page, not the 100 ms backoff.
        #expect(harness.sleeper.recorded == [.seconds(1), .seconds(1)])
    }

    /// `truncated` is a connection dropped mid-body (curl 18, fewer bytes than Content-Length),
    /// `malformed` a whole response that is not JSON; neither is ever handed on as a page.
    @Test(arguments: [("truncated body", SandboxFaults.truncatedBody), ("malformed JSON", .malformedJSON)])
    func brokenBodiesAreNeverAccepted(_ name: String, _ fault: SandboxFaults) async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 2, customers: 1, usageSubscriptionsPerCustomer: 1, recordsPerDay: 10, faults: fault, faultPermille: 1000), attempts: 1)
        defer { Task { await harness.server.stop() } }
        let (customer, sub) = try #require(harness.server.organization.usageSubscriptions.first)
        let error = await #expect(throws: HTTPError.self, "\(name)") {
            for try await _ in harness.partnerCenter().utilization(customerID: customer.id, subscriptionID: sub.id, from: Harness.windowStart, to: Harness.windowEnd) {}
        }
        switch (fault, error) {
        case (.truncatedBody, .transport(18, _, _)?), (.malformedJSON, .malformedBody?): break
        default:
            Issue.record("\(name): expected curl 18 or malformedBody, got \(String(describing: error))")
            return
        }
        #expect(harness.server.state.injectedFaults.values.reduce(0, +) == 1)
    }

    @Test func wrongSecretGetsAzureADsError() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await harness.server.stop() } }
        let c = harness.server.configuration
        let client = harness.partnerCenter(credentials: .clientSecret(clientID: c.clientID, secret: "not-the-secret-123"))
        let error = await #expect(throws: AzureADError.self) { _ = try await client.customerIDs() }
        #expect(error?.status == 401)
        #expect(error?.error == "invalid_client")
        #expect(error?.message.hasPrefix("AADSTS7000215") == true)
        #expect(error?.description.contains("not-the-secret-123") == false)
    }

    @Test func refreshTokenGrantWorksAndOnlyUsageSubscriptionsArePaged() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 9, customers: 3, usageSubscriptionsPerCustomer: 2))
        defer { Task { await harness.server.stop() } }
        let c = harness.server.configuration
        let client = harness.partnerCenter(credentials: .refreshToken(clientID: c.clientID, refreshToken: c.refreshToken, clientSecret: nil))
        let customers = try await client.customerIDs()
        #expect(customers == harness.server.organization.customers.map(\.id))
        let (page, usage) = try await client.subscriptions(customerID: customers[0])
        #expect(usage == harness.server.organization.customers[0].subscriptions.filter { $0.billingType == "usage" }.map(\.id))
        #expect(usage.count == 2)
        #expect(page.request.contains("/customers/\(customers[0])/subscriptions"))
    }

    @Test func rateCardComesBackWithTieredMeters() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await harness.server.stop() } }
        let page = try await harness.partnerCenter().rateCard(currency: "EUR", region: "FR")
        #expect(page.body.starts(with: [0xEF, 0xBB, 0xBF]))
        let json = try RecordReader.json(page.body)
        #expect(json["currency"] as? String == "EUR")
        let meters = try #require(json["meters"] as? [[String: Any]])
        #expect(meters.count == MeterCatalogue.meters.count)
        #expect(meters.contains { ($0["rates"] as? [String: Any])?.count ?? 0 > 1 })
        #expect(page.request.hasSuffix("/v1/ratecards/azure?currency=EUR&region=FR"))
    }
}
