import Extract
import Foundation
import Sandbox
import TestSupport
import Testing
import Transport
import WarehouseCore

struct HTTPClientTests {
    @Test func throttlingStormNeverExceedsTheInFlightLimitAndPassesOver() async throws {
        let storm = 40
        let harness = try await Harness(
            SandboxConfiguration(seed: 21, customers: 3, usageSubscriptionsPerCustomer: 2, recordsPerDay: 60, throttleStorm: storm, latency: .milliseconds(15)),
            concurrency: 3, attempts: 30)
        defer { Task { await harness.server.stop() } }
        let sink = TruthAccumulator()
        try await harness.partnerCenter(pageSize: 100).forEachUtilizationPage(
            from: Harness.windowStart, to: Harness.windowEnd, concurrency: 6
        ) { page in try sink.add(page) }
        #expect(sink.truth == harness.partnerCenterTruth)
        #expect(harness.server.state.injectedFaults["throttle"] == storm)
        // Six subscriptions paged at once, three requests on the wire at most, during the storm too.
        #expect(harness.server.state.peakConcurrentRequests <= 3)
        #expect(harness.http.peakInFlight <= 3)
        #expect(harness.http.peakInFlight >= 2)
        // Every throttled request waited what Retry-After asked (1 s), not the computed backoff.
        #expect(harness.sleeper.recorded.count == storm)
        #expect(harness.sleeper.recorded.allSatisfy { $0 == .seconds(1) })
    }

    @Test func serverErrorsAreRetriedThenReported() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 4, faults: .serverError, faultPermille: 1000), attempts: 2)
        defer { Task { await harness.server.stop() } }
        // Two faulty tries in a row, two attempts allowed: the policy gives up and says why.
        let error = await #expect(throws: HTTPError.self) { _ = try await harness.partnerCenter().customerIDs() }
        guard case .retriesExhausted(let attempts, let url, let last)? = error else {
            Issue.record("expected retriesExhausted, got \(String(describing: error))")
            return
        }
        #expect(attempts == 2)
        #expect(url.contains("/v1/customers"))
        #expect(last.contains("HTTP 50"))
    }

    @Test func connectionRefusedIsATransportError() async throws {
        let sleeper = SleepRecorder()
        let client = HTTPClient(configuration: HTTPClientConfiguration(noProxy: "*", retry: RetryPolicy(maxAttempts: 3, jitter: { 1 })), sleep: sleeper.sleep)
        // A port that was just listening and is now closed: connect is refused at once.
        let server = try await SandboxServer.start(SandboxConfiguration())
        await server.stop()
        let error = await #expect(throws: HTTPError.self) { _ = try await client.send(HTTPRequest(url: "\(server.baseURL)/x?token=abc")) }
        #expect(error?.description.contains("gave up") == true)
        #expect(error?.description.contains("token=REDACTED") == true)
        #expect(sleeper.recorded == [.milliseconds(500), .seconds(1)])
    }

    @Test func statusErrorsCarryRedactedURLAndBodyPrefix() async throws {
        let harness = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await harness.server.stop() } }
        let url = "\(harness.server.partnerCenterURL)/customers?access_token=leaky-token-value-1"
        let error = await #expect(throws: HTTPError.self) {
            _ = try await harness.http.send(HTTPRequest(url: url, headers: [(name: "Authorization", value: "Bearer nope")]))
        }
        #expect(error?.statusCode == 401)
        let text = error?.description ?? ""
        #expect(text.contains("access_token=REDACTED"))
        #expect(!text.contains("leaky-token-value-1"))
        #expect(text.contains("PartnerFD"))
    }
}
