import Extract
import Foundation
import Load
import Sandbox
import Streams
import Testing
import Transport
import WarehouseCore

/// Secrets never reach the warehouse file or the logs: a run against the sandbox with
/// recognisable credentials, its pages stored, then the raw file bytes and every log line searched.
struct SecretsTests {
    @Test func secretsAreAbsentFromTheDatabaseFileAndTheLogs() async throws {
        let clientSecret = "SECRET-client-XYZZY-20261122"
        let refreshToken = "SECRET-refresh-PLUGH-20261122"
        let logs = LogCapture()
        let harness = try await Harness(
            SandboxConfiguration(seed: 31, customers: 2, usageSubscriptionsPerCustomer: 1, recordsPerDay: 40, faults: [.tokenExpiry, .throttle], faultPermille: 500, tokenUses: 2, clientSecret: clientSecret, refreshToken: refreshToken),
            logger: logs.logger("http"))
        defer { Task { await harness.server.stop() } }
        let c = harness.server.configuration

        let directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "w.db").path
        let db = try Database.openWarehouse(path: path)
        let store = RawPageStore(db)

        let refreshClient = harness.partnerCenter(
            pageSize: 100, credentials: .refreshToken(clientID: c.clientID, refreshToken: refreshToken, clientSecret: clientSecret),
            logger: logs.logger("pc"))
        var stored = 0
        for customer in try await refreshClient.customerIDs() {
            let (page, subs) = try await refreshClient.subscriptions(customerID: customer)
            try store.store(source: "sandbox-csp", stream: StreamSpec.pcSubscriptions.stream, kind: StreamSpec.pcSubscriptions.name, request: page.request, context: "{}", fetchedAt: page.fetchedAt, body: page.body)
            for sub in subs {
                for try await page in refreshClient.utilization(customerID: customer, subscriptionID: sub, from: Harness.windowStart, to: Harness.windowEnd) {
                    try store.store(source: "sandbox-csp", stream: StreamSpec.pcUtilization.stream, kind: StreamSpec.pcUtilization.name, request: page.request, context: "{}", fetchedAt: page.fetchedAt, body: page.body)
                    stored += 1
                }
            }
        }
        // A URL that carries a token in its query, as some APIs want, and an error on the way.
        let token = try await refreshClient.tokens.token()
        _ = try? await harness.http.send(HTTPRequest(url: "\(harness.server.partnerCenterURL)/customers?access_token=\(token)"))

        #expect(stored == 2 * 3)
        let secrets = [clientSecret, refreshToken] + harness.server.state.issuedTokens
        #expect(secrets.count > 3)  // several access tokens were issued (token expiry)
        #expect(harness.server.state.injectedFaults["token-expiry", default: 0] > 0)

        let logText = logs.text
        #expect(logText.contains("retrying request"))  // the log did capture the run
        var fileBytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { fileBytes += wal }
        #expect(fileBytes.count > 4096)
        var bodies = Data()
        for page in try store.pages() {
            bodies += try store.body(page.pageID)
            #expect(!page.request.isEmpty)
        }
        for secret in secrets {
            #expect(fileBytes.range(of: Data(secret.utf8)) == nil, "secret in the database file")
            #expect(bodies.range(of: Data(secret.utf8)) == nil, "secret in a stored body")
            #expect(!logText.contains(secret), "secret in the log")
        }
        #expect(logText.contains("access_token=REDACTED"))
    }
}
