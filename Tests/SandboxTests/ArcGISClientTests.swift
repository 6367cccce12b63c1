import Config
import Extract
import Foundation
import Sandbox
import Testing
import Transport
import WarehouseCore

/// The ArcGIS client against the sandbox, page by page (no warehouse).
struct ArcGISClientTests {
    static func json(_ page: FetchedPage) throws -> [String: Any] { try RecordReader.json(page.body) }

    /// Tokens serve a few requests each, then the sandbox answers the 498 envelope: every page
    /// still comes once, in order, and every user exactly once (seed bug 15: no token refresh).
    @Test func tokenExpiryMidPagingLosesAndRepeatsNoPage() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 5, faults: .tokenExpiry, tokenUses: 3), users: 1_050)
        let server = h.server
        defer { Task { await server.stop() } }
        let client = h.client()
        var starts: [Int] = []
        var names: [String] = []
        let orgID = h.organization.id
        try await client.users(orgID: orgID) { page in
            let object = try Self.json(page)
            starts.append((object["start"] as? NSNumber)?.intValue ?? -1)
            names += (object["users"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
        }
        #expect(starts == Array(stride(from: 1, through: 1_001, by: 100)))
        #expect(names == h.organization.users.map(\.username))
        #expect(h.server.state.injectedFaults["token-expiry"] ?? 0 >= 3)
        #expect(await client.tokens.fetchCount >= 4)
    }

    /// A token is replaced before it expires, not after a rejection: with a lifetime shorter
    /// than the refresh margin, every request gets a fresh token and none is refused.
    @Test func tokenIsRefreshedBeforeItExpires() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 5, tokenLifetime: 120), users: 300)
        let server = h.server
        defer { Task { await server.stop() } }
        let client = h.client()
        var pages = 0
        try await client.users(orgID: h.organization.id) { _ in pages += 1 }
        #expect(pages == 3)
        #expect(await client.tokens.fetchCount == 3)
        #expect(h.server.state.injectedFaults.isEmpty)
    }

    /// The OAuth2 refresh-token grant works as the password one does.
    @Test func refreshTokenGrantSignsIn() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 5))
        let server = h.server
        defer { Task { await server.stop() } }
        let client = h.client(.refreshToken(clientID: ArcGISOrganization.clientID, refreshToken: h.server.configuration.refreshToken))
        let (page, orgID) = try await client.portal()
        #expect(orgID == h.organization.id)
        #expect(page.request.contains("/portals/self"))
    }

    @Test(arguments: [
        ("wrong password", ArcGISCredentials.password(username: ArcGISOrganization.adminUsername, password: "not-the-password-123", referer: "https://warehouse.test"), "Invalid username or password."),
        ("wrong refresh token (string details)", ArcGISCredentials.refreshToken(clientID: ArcGISOrganization.clientID, refreshToken: "not-the-refresh-token"), "Invalid refresh_token"),
    ])
    func refusedSignInIsTheServiceMessageWithoutTheSecret(_ name: String, _ credentials: ArcGISCredentials, _ message: String) async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 5))
        let server = h.server
        defer { Task { await server.stop() } }
        let error = await #expect(throws: ArcGISError.self, "\(name)") { _ = try await h.client(credentials).portal() }
        #expect(error?.code == 400)
        #expect(error?.description.contains(message) == true)
        #expect(error?.description.contains("not-the-") == false)
    }

    /// 200 days in ≤ 90-day chunks, back to back (seed bug 3: a window is whole days, never
    /// `time() - 60480`), and the credits of all of them add up to the ground truth.
    @Test func longWindowIsChunkedInto90DayRequestsThatAddUp() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 11), users: 120)
        let server = h.server
        defer { Task { await server.stop() } }
        let end = UTCTime.now().startOfDay
        let start = end.adding(days: -200)
        var windows: [(Int64, Int64)] = []
        var total: Decimal = 0
        try await h.client().usage(orgID: h.organization.id, from: start, to: end) { page in
            let object = try Self.json(page)
            windows.append(((object["startTime"] as? NSNumber)?.int64Value ?? 0, (object["endTime"] as? NSNumber)?.int64Value ?? 0))
            for row in object["data"] as? [[String: Any]] ?? [] {
                for pair in row["credits"] as? [[String] ] ?? [] { total += ExactDecimal.parse(pair[1]) ?? -1_000_000 }
            }
        }
        #expect(windows.map(\.0) == [start, start.adding(days: 90), start.adding(days: 180)].map(\.epochMilliseconds))
        #expect(windows.map(\.1) == [start.adding(days: 90), start.adding(days: 180), end].map(\.epochMilliseconds))
        let truth = h.organization.credits(from: start, to: end).values.flatMap(\.values).reduce(0, +)
        #expect(total == truth)
        #expect(total > 0)
    }

    @Test func windowOlderThanTwoYearsIsRefusedBeforeAnyRequest() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 11), users: 10)
        let server = h.server
        defer { Task { await server.stop() } }
        let now = UTCTime.now()
        let error = await #expect(throws: ArcGISError.self) {
            try await h.client().usage(orgID: h.organization.id, from: now.adding(days: -800), to: now.adding(days: -790), now: now) { _ in }
        }
        #expect(error?.description.contains("two years") == true)
        #expect(h.server.state.requestCount == 0)
    }

    /// The sandbox refuses a usage range the real service refuses (92+ days at 1d) with an
    /// HTTP-200 envelope whose `details` is a string; the client reports it as the service's error.
    @Test func overlongUsageRangeIsAnEnvelopeError() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 11), users: 10)
        let server = h.server
        defer { Task { await server.stop() } }
        let client = h.client()
        let token = try await client.tokens.token()
        let end = UTCTime.now().startOfDay
        let url = "\(h.sharingURL)/portals/self/usage?" + URLText.query([
            ("startTime", String(end.adding(days: -120).epochMilliseconds)), ("endTime", String(end.epochMilliseconds)),
            ("period", "1d"), ("f", "json"), ("token", token),
        ])
        let response = try await h.http.send(HTTPRequest(url: url))
        #expect(response.status == 200)
        let error = try #require(((try Self.json(FetchedPage(request: "", body: response.body, fetchedAt: .now())))["error"]) as? [String: Any])
        #expect(error["code"] as? Int == 400)
        #expect(error["details"] is String)
    }

    /// The sandbox pages only the first 10,000 users, as AGOL does, so following `nextStart`
    /// alone (as the seeds do) silently misses the rest; the client's username partitions hand
    /// every user over exactly once.
    @Test func usersPastTheCapComeOnceEachThroughPartitions() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 5), users: 12_000)
        let server = h.server
        defer { Task { await server.stop() } }
        let client = h.client()
        let token = try await client.tokens.token()
        func get(_ start: Int) async throws -> [String: Any] {
            let url = "\(h.sharingURL)/portals/self/users?" + URLText.query([("start", String(start)), ("num", "100"), ("f", "json"), ("token", token)])
            return try RecordReader.json(try await h.http.send(HTTPRequest(url: url)).body)
        }
        let last = try await get(9_951)
        #expect(last["total"] as? Int == 12_000)
        #expect((last["users"] as? [Any])?.count == 50)
        #expect(last["nextStart"] as? Int == -1)
        #expect((try await get(10_001)["error"] as? [String: Any])?["code"] as? Int == 400)

        var names: [String] = []
        try await client.users(orgID: h.organization.id) { page in
            names += (try Self.json(page)["users"] as? [[String: Any]] ?? []).compactMap { $0["username"] as? String }
        }
        #expect(names.count == 12_000)
        #expect(Set(names) == Set(h.organization.users.map(\.username)))
    }
}
