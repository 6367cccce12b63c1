import Extract
import Foundation
import Sandbox
import Testing
import Transport
import WarehouseCore

/// What the vendors' own SDKs need of the sandbox (issue 19), checked with the warehouse's own
/// HTTP client: HTTPS with a CA the client must trust, UsageAggregates' granularity and
/// aggregation, the rate card's offer terms, the not-ready and expiry answers, and ArcGIS
/// Online's search paging and query terms. Tests/SDK runs the SDKs themselves (make test).
struct VendorContractTests {
    static func token(_ h: Harness) async throws -> String { try await h.commerce().tokens.token() }

    static func get(_ h: Harness, _ path: String, token: String) async throws -> [String: Any] {
        let response = try await h.http.send(HTTPRequest(url: h.server.baseURL + path, headers: [(name: "Authorization", value: "Bearer \(token)")]))
        return try RecordReader.json(response.body)
    }

    @Test(arguments: [true, false])
    func httpsServesTheRoutesToClientsThatTrustItsCA(trusted: Bool) async throws {
        let tls = try SandboxTLS.generate()
        let server = try await SandboxServer.start(SandboxConfiguration(seed: 3), tls: tls)
        defer { Task { await server.stop() } }
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-ca-\(UUID().uuidString).pem").path
        try tls.trustPEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        let http = HTTPClient(configuration: HTTPClientConfiguration(noProxy: "127.0.0.1,localhost", caBundle: trusted ? caFile : nil, retry: .none))
        let url = try #require(server.httpsBaseURL) + "/sharing/rest/info?f=json"
        #expect(url.hasPrefix("https://127.0.0.1:") && server.tlsPort != server.port)
        if trusted {
            let info = try RecordReader.json(try await http.send(HTTPRequest(url: url)).body)
            let auth = try #require(info["authInfo"] as? [String: Any])
            #expect(auth["isTokenBasedSecurity"] as? Bool == true)
            #expect((auth["tokenServicesUrl"] as? String)?.hasPrefix("https://127.0.0.1:\(server.tlsPort ?? 0)/") == true)
        } else {
            let error = await #expect(throws: HTTPError.self) { _ = try await http.send(HTTPRequest(url: url)) }
            guard case .transport(60, _, _)? = error else {
                Issue.record("expected curl 60 (unknown CA), got \(String(describing: error))")
                return
            }
        }
    }

    /// Daily, Hourly, and each with `showDetails=false`: the same total per meter and usage day,
    /// Hourly in 24 one-hour records a day, and no `instanceData` when aggregated.
    @Test(arguments: [("Daily", true), ("Hourly", true), ("Daily", false), ("Hourly", false)])
    func usageAggregatesModesAddUpToTheSameUsage(granularity: String, details: Bool) async throws {
        let h = try await Harness(SandboxConfiguration(seed: 4, recordsPerDay: 30))
        defer { Task { await h.server.stop() } }
        let sub = try #require(h.server.organization.directSubscriptions.first)
        let token = try await Self.token(h)
        func read(_ granularity: String, _ details: Bool) async throws -> (totals: [String: Decimal], count: Int, instance: Bool) {
            var path: String? = "/subscriptions/\(sub.id)/providers/Microsoft.Commerce/UsageAggregates?api-version=2015-06-01-preview"
                + "&reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-02T00:00:00Z&aggregationGranularity=\(granularity)&showDetails=\(details)"
            var totals: [String: Decimal] = [:], count = 0, instance = false
            var seen = Set<String>()
            while let next = path {
                let page = try await Self.get(h, next, token: token)
                for record in page["value"] as? [[String: Any]] ?? [] {
                    let p = try #require(record["properties"] as? [String: Any])
                    let start = try #require(p["usageStartTime"] as? String)
                    count += 1
                    instance = instance || p["instanceData"] != nil
                    // One reported day: a record repeated identically is one record.
                    let identity = p.keys.sorted().map { "\($0)=\(p[$0] ?? "")" }.joined(separator: "|")
                    guard details == false || granularity == "Hourly" || seen.insert(identity).inserted else { continue }
                    let quantity = try #require(ExactDecimal.parse((p["quantity"] as? NSNumber)?.stringValue ?? ""))
                    totals["\(p["meterId"] ?? "")|\(start.prefix(10))", default: 0] += quantity
                }
                path = (page["nextLink"] as? String).map { String($0.dropFirst(h.server.baseURL.count)) }
            }
            return (totals, count, instance)
        }
        let daily = try await read("Daily", true)
        let asked = try await read(granularity, details)
        #expect(asked.instance == details)
        if details {
            #expect(asked.count == daily.count * (granularity == "Hourly" ? 24 : 1))
        } else {
            #expect(asked.count < daily.count * (granularity == "Hourly" ? 24 : 1))
        }
        if granularity == "Daily" || !details { #expect(asked.totals == daily.totals) }
    }

    /// MSAL (azure-identity) finds the token endpoint in the tenant's OpenID configuration and
    /// asks it by scope (v2); the token it gets works on Resource Manager.
    @Test(arguments: ["https://management.azure.com/.default", "https://management.azure.com//.default"])
    func v2DiscoveryAndScopeTokensWork(scope: String) async throws {
        let h = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await h.server.stop() } }
        let c = h.server.configuration
        let discovery = try RecordReader.json(try await h.http.send(HTTPRequest(url: "\(h.server.baseURL)/\(c.tenant)/v2.0/.well-known/openid-configuration")).body)
        let endpoint = try #require(discovery["token_endpoint"] as? String)
        #expect(endpoint == "\(h.server.baseURL)/\(c.tenant)/oauth2/v2.0/token")
        let answer = try RecordReader.json(try await h.http.send(HTTPRequest.form(url: endpoint, fields: [
            ("grant_type", "client_credentials"), ("client_id", c.clientID), ("client_secret", c.clientSecret), ("scope", scope),
        ])).body)
        #expect(answer["expires_in"] as? Int == c.tokenLifetime && answer["resource"] == nil)
        let token = try #require(answer["access_token"] as? String)
        let sub = try #require(h.server.organization.directSubscriptions.first)
        let page = try await Self.get(
            h, "/subscriptions/\(sub.id)/providers/Microsoft.Commerce/UsageAggregates?api-version=2015-06-01-preview&reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-02T00:00:00Z",
            token: token)
        #expect((page["value"] as? [Any])?.isEmpty == false)
    }

    @Test func rateCardCarriesAMonetaryCommitmentThatDecodesToItsDiscount() async throws {
        let h = try await Harness(SandboxConfiguration(seed: 1))
        defer { Task { await h.server.stop() } }
        let sub = try #require(h.server.organization.directSubscriptions.first)
        let page = try await h.commerce().rateCard(subscriptionID: sub.id, offerDurableID: "MS-AZR-0003P", currency: "USD", locale: "en-US", region: "US")
        let card = try AzureRateCard.decode(page.body, file: "ratecard.json")
        let term = try #require(card.offerTerms.first)
        #expect(term.name == "Monetary Commitment")
        #expect(term.discount == Decimal(string: "0.1"))
        #expect(term.excludedMeterIDs == [MeterCatalogue.meters[0].id])
    }

    @Test func notReadyIsA202WithTheErrorBodyAndRetryAfter() async throws {
        let h = try await Harness(SandboxConfiguration(seed: 1, faults: .notReady, faultPermille: 1000))
        defer { Task { await h.server.stop() } }
        let sub = try #require(h.server.organization.directSubscriptions.first)
        let token = try await Self.token(h)
        let url = h.server.baseURL + "/subscriptions/\(sub.id)/providers/Microsoft.Commerce/UsageAggregates?api-version=2015-06-01-preview"
            + "&reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-02T00:00:00Z"
        let response = try await h.http.sendOnce(HTTPRequest(url: url, headers: [(name: "Authorization", value: "Bearer \(token)")]))
        #expect(response.status == 202)
        #expect(response.header("Retry-After") == "1")
        let error = try #require(try RecordReader.json(response.body)["error"] as? [String: Any])
        #expect(error["code"] is String && error["message"] is String)
    }

    /// With `token-expiry`, the 401 names an expiry before the time it names as now.
    @Test func anExpiredTokenSaysItExpiredBeforeNow() async throws {
        let h = try await Harness(SandboxConfiguration(seed: 1, faults: .tokenExpiry, tokenUses: 2))
        defer { Task { await h.server.stop() } }
        let token = try await Self.token(h)
        let url = h.server.baseURL + "/subscriptions/\(h.server.organization.directSubscriptions[0].id)/providers/Microsoft.Commerce/RateCard"
            + "?api-version=2015-06-01-preview&$filter=" + URLText.formEncode("OfferDurableId eq 'MS-AZR-0003P' and Currency eq 'USD' and Locale eq 'en-US' and RegionInfo eq 'US'")
        var last = HTTPResponse(status: 0, headers: [:], body: Data(), url: url)
        for _ in 0..<3 { last = try await h.http.sendOnce(HTTPRequest(url: url, headers: [(name: "Authorization", value: "Bearer \(token)")])) }
        #expect(last.status == 401)
        let message = try #require((try RecordReader.json(last.body)["error"] as? [String: Any])?["message"] as? String)
        let times = message.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(times.count == 2)
        let expiry = try #require(UTCTime.parse(times[0])), now = try #require(UTCTime.parse(times[1]))
        #expect(expiry < now, "\(message)")
    }

    /// Esri's client pages with `start` until `nextStart` is -1 and then sends `start=-1`: that is
    /// the end of the listing (no results), never page 1 again.
    @Test(arguments: [("1", 100, 101), ("101", 50, -1), ("-1", 0, -1), ("0", 0, -1)])
    func searchPagesEndAtNextStartMinusOne(start: String, results: Int, nextStart: Int) async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 8), users: 150)
        let server = h.server
        defer { Task { await server.stop() } }
        let token = try await h.client().tokens.token()
        let org = h.organization
        let url = "\(h.sharingURL)/community/users?f=json&num=100&token=\(token)&start=\(start)&q=" + URLText.formEncode("accountid:\(org.id)")
        let page = try RecordReader.json(try await h.http.send(HTTPRequest(url: url)).body)
        // 150 users: pages of 100 and 50, then nothing; the search of items pages the same way.
        #expect((page["results"] as? [Any])?.count == results)
        #expect(page["nextStart"] as? Int == nextStart)
        #expect(page["total"] as? Int == org.users.count)
    }

    @Test(arguments: [
        ("", "every item"), ("accountid:ORG", "every item"), ("orgid:ORG", "every item"), ("accountid:someoneelse", "none"),
        ("owner:storage.fixture accountid:ORG", "the fixture's"), ("type:\"Feature Service\" accountid:ORG", "feature services"),
        ("accountid:ORG NOT type:\"Feature Service\"", "the others"),
    ])
    func searchHonoursTheQueryTerms(q: String, expected: String) async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 8), users: 40)
        let server = h.server
        defer { Task { await server.stop() } }
        let org = h.organization
        let token = try await h.client().tokens.token()
        let query = q.replacingOccurrences(of: "ORG", with: org.id)
        var ids: [String] = []
        var start = 1
        while start != -1 {
            let url = "\(h.sharingURL)/search?f=json&num=3&token=\(token)&start=\(start)&q=" + URLText.formEncode(query)
            let page = try RecordReader.json(try await h.http.send(HTTPRequest(url: url)).body)
            ids += (page["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            start = try #require(page["nextStart"] as? Int)
        }
        let want: [ArcGISOrganization.Item]
        switch expected {
        case "every item": want = org.items
        case "none": want = []
        case "the fixture's": want = org.items.filter { $0.owner == ArcGISOrganization.fixtureUsername }
        case "feature services": want = org.items.filter { $0.type == "Feature Service" }
        default: want = org.items.filter { $0.type != "Feature Service" }
        }
        #expect(ids == want.map(\.id), "\(q)")
    }
}
