import Extract
import Foundation
import Sandbox
import Synchronization
import Testing
import Transport
import WarehouseCore

struct HTTPClientOptionsTests {
    @Test func requestTimeoutIsEnforced() async throws {
        let server = try await SandboxServer.start(SandboxConfiguration(latency: .seconds(3)))
        defer { Task { await server.stop() } }
        let client = HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .milliseconds(200), noProxy: "*", retry: .none))
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(url: "\(server.partnerCenterURL)/customers"))
        }
        guard case .transport(let code, _, _)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(code == 28)  // CURLE_OPERATION_TIMEDOUT
    }

    @Test func connectionsAreReused() async throws {
        let server = try await SandboxServer.start(SandboxConfiguration())
        defer { Task { await server.stop() } }
        let client = HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentRequests: 1, noProxy: "*", retry: .none))
        var connects: [Int] = []
        for _ in 0..<5 {
            connects.append(try await client.sendOnce(HTTPRequest(url: "\(server.partnerCenterURL)/customers")).newConnections)
        }
        #expect(connects == [1, 0, 0, 0, 0])
    }

    @Test func configuredProxyIsUsed() async throws {
        // The sandbox stands in for the proxy: a name that cannot resolve still reaches it.
        let server = try await SandboxServer.start(SandboxConfiguration())
        defer { Task { await server.stop() } }
        let client = HTTPClient(configuration: HTTPClientConfiguration(proxy: server.baseURL, retry: .none))
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(url: "http://partner-center.invalid/v1/customers"))
        }
        #expect(error?.statusCode == 401)
        #expect(error?.description.contains("Authorization header is missing") == true)
    }

    @Test func tokenIsRefreshedShortlyBeforeItExpires() async throws {
        let server = try await SandboxServer.start(SandboxConfiguration(tokenLifetime: 600))
        defer { Task { await server.stop() } }
        let clock = Mutex(Date())
        let c = server.configuration
        let provider = AzureADTokenProvider(
            authorityURL: server.authorityURL, tenant: c.tenant, resource: "https://api.partnercenter.microsoft.com",
            credentials: .clientSecret(clientID: c.clientID, secret: c.clientSecret),
            http: HTTPClient(configuration: HTTPClientConfiguration(noProxy: "*")), refreshMargin: 300,
            now: { clock.withLock { $0 } })
        let first = try await provider.token()
        clock.withLock { $0 = $0.addingTimeInterval(290) }  // 310 s left: still good
        #expect(try await provider.token() == first)
        clock.withLock { $0 = $0.addingTimeInterval(20) }  // 290 s left: inside the margin
        let second = try await provider.token()
        #expect(second != first)
        #expect(await provider.fetchCount == 2)
    }
}
