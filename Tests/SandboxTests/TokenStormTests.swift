import Extract
import Foundation
import Sandbox
import Synchronization
import Testing
import Transport

/// Issue 17, item 10: four streams sharing tokens that each serve one request (an expiry storm)
/// all finish with every record; a data API that refuses every token is given up after three 401s.
struct TokenStormTests {
    @Test func fourStreamsSurviveAnExpiryStorm() async throws {
        let harness = try await Harness(
            SandboxConfiguration(seed: 17, customers: 2, usageSubscriptionsPerCustomer: 2, recordsPerDay: 60, faults: .tokenExpiry, tokenUses: 1),
            concurrency: 4)
        defer { Task { await harness.server.stop() } }
        let client = harness.partnerCenter(pageSize: 25)
        let truth = try await withThrowingTaskGroup(of: GroundTruth.self) { group in
            for (customer, sub) in harness.server.organization.usageSubscriptions {
                group.addTask {
                    var truth = GroundTruth()
                    for try await page in client.utilization(customerID: customer.id, subscriptionID: sub.id, from: Harness.windowStart, to: Harness.windowEnd) {
                        try RecordReader.addPartnerCenter(page, subscription: sub.id, to: &truth)
                    }
                    return truth
                }
            }
            var all = GroundTruth()
            for try await part in group {
                all.count += part.count
                all.checksum &+= part.checksum
            }
            return all
        }
        #expect(truth == harness.partnerCenterTruth)
        #expect(harness.server.state.injectedFaults["token-expiry", default: 0] >= 20)
    }

    /// Issues tokens, refuses every data request with 401, and counts them.
    final class Refusing: SandboxRoutes {
        let dataRequests = Mutex(0)
        func respond(to request: SandboxRequest, in sandbox: SandboxState) async -> SandboxResponse? {
            if request.path.hasSuffix("/oauth2/token") {
                return SandboxResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(#"{"access_token":"refused-token-123456","expires_in":"3599"}"#.utf8))
            }
            dataRequests.withLock { $0 += 1 }
            return SandboxResponse(status: 401, headers: [("Content-Type", "application/json")], body: Array(#"{"code":401,"description":"Unauthorized"}"#.utf8))
        }
    }

    @Test func aRefusingAPIIsGivenUpAfterThree401s() async throws {
        let routes = Refusing()
        let server = try await SandboxServer.start(SandboxConfiguration(), routes: [routes])
        defer { Task { await server.stop() } }
        let http = HTTPClient(configuration: HTTPClientConfiguration(noProxy: "127.0.0.1,localhost"))
        let client = PartnerCenterClient(
            configuration: PartnerCenterConfiguration(baseURL: server.baseURL, authorityURL: server.baseURL, tenant: "t.test", credentials: .clientSecret(clientID: "app", secret: "a-secret-value")),
            http: http)
        let error = await #expect(throws: HTTPError.self) { _ = try await client.customerIDs() }
        #expect(error?.statusCode == 401)
        #expect(routes.dataRequests.withLock { $0 } == 3)
    }
}
