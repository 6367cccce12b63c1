import Extract
import Foundation
import Sandbox
import Testing
import Transport

/// Issue 17, item 11: numbers at the edge of Int64 in an authenticated request get a 400 envelope
/// and the sandbox keeps serving; generateToken honours `expiration`.
struct SandboxHostileRequestTests {
    @Test(arguments: [
        "portals/{org}/usage?startTime=9223372036854775000&endTime=9223372036854775807&period=1d",
        "portals/{org}/usage?startTime=-9223372036854775808&endTime=0&period=1d",
        "portals/{org}/usage?startTime=0&endTime=9223372036854775807&period=1d",
        "search?q=orgid:{org}&start=9223372036854775807&num=100",
        "portals/{org}/users?start=9223372036854775807&num=100",
    ])
    func edgeNumbersAreA400AndTheSandboxLivesOn(path: String) async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 5), users: 3)
        let server = h.server
        defer { Task { await server.stop() } }
        let client = h.client()
        let (_, orgID) = try await client.portal()
        let url = "\(h.sharingURL)/\(path.replacingOccurrences(of: "{org}", with: orgID))&f=json"
        do {
            _ = try await client.call { token in HTTPRequest(url: "\(url)&token=\(token)") }
            Issue.record("\(path) was answered with data")
        } catch let error as ArcGISError {
            #expect(error.code == 400, "\(error)")
        }
        // Still serving.
        #expect(try await client.portal().orgID == orgID)
    }

    @Test(arguments: [1, 30])
    func generateTokenHonoursExpiration(minutes: Int) async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 5), users: 3)
        let server = h.server
        defer { Task { await server.stop() } }
        let request = HTTPRequest.form(url: "\(h.sharingURL)/generateToken", fields: [
            ("username", ArcGISOrganization.adminUsername), ("password", ArcGISOrganization.adminPassword), ("client", "referer"),
            ("referer", "https://warehouse.test"), ("expiration", String(minutes)), ("f", "json"),
        ])
        let before = Date().timeIntervalSince1970 * 1000
        let response = try await h.http.send(request)
        let after = Date().timeIntervalSince1970 * 1000
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let expires = try #require((object["expires"] as? NSNumber)?.doubleValue) - Double(minutes) * 60_000
        // Issued between `before` and `after` (a loaded machine may take seconds to answer).
        #expect(expires >= before - 1_000 && expires <= after + 1_000, "\(object)")
        let bad = try await h.http.send(HTTPRequest.form(url: "\(h.sharingURL)/generateToken", fields: [
            ("username", ArcGISOrganization.adminUsername), ("password", ArcGISOrganization.adminPassword), ("expiration", "-5"), ("f", "json"),
        ]))
        #expect(String(decoding: bad.body, as: UTF8.self).contains("expiration"))
    }
}
