import Extract
import Foundation
import Sandbox
import TestSupport
import Testing
import Transport
import WarehouseCore

/// Issue 17, item 1: a server that repeats the request in its error (URL with `token=`, the form
/// body with `password=` or `client_secret=`, the `Authorization` header) never gets a secret into
/// the thrown error's description or the log, for every client and both sides of sign-in.
struct SecretsInErrorsTests {
    enum Client: String, CaseIterable, Sendable {
        case arcgisPassword, arcgisRefreshToken, partnerCenterSecret, partnerCenterRefreshToken, commerceSecret
    }

    @Test(arguments: Client.allCases, [true, false])
    func echoedRequestsLeaveNoSecretInTheError(client: Client, failTokens: Bool) async throws {
        let tag = UUID().uuidString.prefix(8)
        let password = "ECHO-password-\(tag)", refresh = "ECHO-refresh-\(tag)", secret = "ECHO-secret-\(tag)", issued = "ECHO-issued-\(tag)"
        let server = try await SandboxServer.start(SandboxConfiguration(), routes: [EchoRoutes(failTokens: failTokens, issuedToken: issued)])
        defer { Task { await server.stop() } }
        let logs = LogCapture()
        let http = HTTPClient(
            configuration: HTTPClientConfiguration(noProxy: "127.0.0.1,localhost", retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1))),
            logger: logs.logger("http"))
        let base = server.baseURL
        let thrown: (any Error)?
        do {
            switch client {
            case .arcgisPassword, .arcgisRefreshToken:
                let credentials: ArcGISCredentials = client == .arcgisPassword
                    ? .password(username: "admin", password: password, referer: "https://warehouse.test")
                    : .refreshToken(clientID: "app", refreshToken: refresh)
                _ = try await ArcGISClient(sharingURL: "\(base)/sharing/rest", credentials: credentials, http: http, logger: logs.logger("arcgis")).portal()
            case .partnerCenterSecret, .partnerCenterRefreshToken:
                let credentials: AzureADCredentials = client == .partnerCenterSecret
                    ? .clientSecret(clientID: "app", secret: secret) : .refreshToken(clientID: "app", refreshToken: refresh, clientSecret: secret)
                let configuration = PartnerCenterConfiguration(baseURL: base, authorityURL: base, tenant: "t.test", credentials: credentials)
                _ = try await PartnerCenterClient(configuration: configuration, http: http, logger: logs.logger("pc")).customerIDs()
            case .commerceSecret:
                let configuration = AzureCommerceConfiguration(
                    managementURL: base, authorityURL: base, tenant: "t.test", credentials: .clientSecret(clientID: "app", secret: secret))
                let commerce = AzureCommerceClient(configuration: configuration, http: http, logger: logs.logger("commerce"))
                for try await _ in commerce.usageAggregates(subscriptionID: "sub-1", from: UTCTime(year: 2026, month: 3, day: 1), to: UTCTime(year: 2026, month: 3, day: 2)) {}
            }
            thrown = nil
        } catch {
            thrown = error
        }
        let error = try #require(thrown, "the echo server answers every request with an error")
        let described = "\(error) \(String(describing: error)) \((error as? LocalizedError)?.errorDescription ?? "")"
        #expect(described.contains("127.0.0.1"), "the echo reached the error: \(described)")
        for value in [password, refresh, secret, issued] {
            #expect(!described.contains(value), "\(value) in the error: \(described)")
            #expect(!logs.text.contains(value), "\(value) in the log")
        }
    }
}
