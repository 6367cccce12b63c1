import Foundation
import TestSupport
import Testing

@testable import Sandbox

/// Issue 17: seeded mutation fuzzing of the sandbox's request handling: mutated paths, queries,
/// headers and form bodies of real requests to every API, authenticated, straight into the routes
/// (no HTTP, so thousands a second). Every request gets an answer with a status from 200 to 599,
/// never a crash (an overflow trap would end the test process).
struct SandboxRequestFuzzTests {
    static let seeds: [(method: String, path: String, query: String, body: String, api: String)] = [
        ("GET", "/sharing/rest/portals/{org}/usage", "startTime=1772323200000&endTime=1772928000000&period=1d&groupby=username,stype&vars=credits,num&f=json", "", "arcgis"),
        ("GET", "/sharing/rest/search", "q=orgid:{org}&start=1&num=100&f=json", "", "arcgis"),
        ("GET", "/sharing/rest/portals/{org}/users", "start=1&num=100&sortOrder=asc&username=a*&f=json", "", "arcgis"),
        ("POST", "/sharing/rest/generateToken", "", "username=admin&password=x&client=referer&referer=r&expiration=60&f=json", "arcgis"),
        ("GET", "/v1/customers", "size=2", "", "partnercenter"),
        ("GET", "/v1/customers/{customer}/subscriptions/{sub}/utilizations/azure", "start_time=2026-03-01T00:00:00Z&end_time=2026-03-08T00:00:00Z&size=100&granularity=daily", "", "partnercenter"),
        ("GET", "/subscriptions/{sub}/providers/Microsoft.Commerce/UsageAggregates", "api-version=2015-06-01-preview&reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-08T00:00:00Z&aggregationGranularity=Daily", "", "azure"),
        ("POST", "/t.test/oauth2/token", "", "grant_type=client_credentials&client_id=c&client_secret=s&resource=r", "azure"),
    ]

    @Test func everyMutantGetsAnAnswer() async throws {
        let configuration = SandboxConfiguration(seed: 11, customers: 1, usageSubscriptionsPerCustomer: 1, recordsPerDay: 5)
        let state = SandboxState(configuration: configuration)
        let arcgis = ArcGISRoutes(users: 3)
        let routes: [any SandboxRoutes] = SandboxServer.defaultRoutes.filter { !($0 is ArcGISRoutes) } + [arcgis]
        let org = arcgis.organization(for: configuration)
        let (customer, sub) = try #require(state.organization.usageSubscriptions.first)
        let rounds = Mutator.rounds(default: 20_000)
        var mutator = Mutator(seed: 1717)
        var statuses: [Int: Int] = [:]
        for round in 0..<rounds {
            let seed = Self.seeds[round % Self.seeds.count]
            func fill(_ text: String) -> String {
                text.replacingOccurrences(of: "{org}", with: org.id).replacingOccurrences(of: "{customer}", with: customer.id)
                    .replacingOccurrences(of: "{sub}", with: sub.id)
            }
            let audience = ["arcgis": ArcGISRoutes.audience, "partnercenter": AzureADRoutes.partnerCenterResource][seed.api] ?? AzureADRoutes.managementResource
            let token = state.issueToken(audience: audience).token
            var path = fill(seed.path), query = fill(seed.query), body = seed.body
            switch mutator.below(3) {
            case 0: query = String(decoding: mutator.mutate(Array(query.utf8)), as: UTF8.self)
            case 1: body = String(decoding: mutator.mutate(Array(body.utf8)), as: UTF8.self)
            default: path = String(decoding: mutator.mutate(Array(path.utf8)), as: UTF8.self)
            }
            let request = SandboxRequest(
                method: seed.method, segments: path.split(separator: "/").map(String.init), path: path,
                rawQuery: seed.api == "arcgis" && seed.method == "GET" ? query + "&token=\(token)" : query,
                headers: ["authorization": "Bearer \(token)", "content-type": "application/x-www-form-urlencoded"],
                body: Data(body.utf8), origin: "http://127.0.0.1:1")
            var answer: SandboxResponse?
            for route in routes {
                if let response = await route.respond(to: request, in: state) {
                    answer = response
                    break
                }
            }
            let status = answer?.status ?? 404
            statuses[status, default: 0] += 1
            #expect((200...599).contains(status), "round \(round): \(status)")
        }
        #expect(statuses.keys.contains(200) && statuses.keys.contains(where: { $0 >= 400 }))
        print("fuzz sandbox requests: \(rounds) mutants, statuses \(statuses.sorted { $0.key < $1.key }), 0 crashes")
    }
}
