import Foundation
import Logging
import Transport
import WarehouseCore

/// Sends bearer-authorized GETs for one API and turns each answer into a `FetchedPage` plus its
/// parsed JSON (parsed once: the paging peek and the validity check are the same parse).
///
/// On a 401 it gets a new token and tries the same request again, so a token that expires in
/// the middle of paging costs one request, not the page: the retry sends the same URL and the
/// same continuation header, and nothing is yielded twice. When several streams share the token,
/// a 401 on a token another stream has already replaced just retries with the replacement.
///
/// The 401 budget per request (issue 17, item 10): at most `refusals` 401s in a row while no
/// request of any stream got through (credentials the API refuses: give up after three), and at
/// most `storm` in all (an expiry storm, where other streams keep getting through, is survived;
/// four streams sharing tokens of a few uses each used to exhaust three 401s per request).
struct AuthorizedFetcher: Sendable {
    static let refusals = 3
    static let storm = 32

    let http: HTTPClient
    let tokens: AzureADTokenProvider
    let fixedHeaders: [(name: String, value: String)]
    let logger: Logger

    func fetch(
        url: String, headers: [(name: String, value: String)] = [], 
    ) async throws -> (page: FetchedPage, json: Any) {
        var refused = 0, unauthorized = 0, acceptedAtLast401 = -1
        while true {
            let token = try await tokens.token()
            let request = HTTPRequest(
                url: url,
                headers: [(name: "Authorization", value: "Bearer \(token)"), (name: "Accept", value: "application/json")]
                    + fixedHeaders + [(name: "MS-RequestId", value: UUID().uuidString.lowercased())] + headers)
            do {
                let (response, json) = try await http.send(request) { response in
                    UncheckedJSON(value: try HTTPClient.parseJSON(response))
                }
                tokens.acceptances.increment()
                let page = FetchedPage(request: response.url, body: response.body, fetchedAt: .now())
                return (page, json.value)
            } catch let error as HTTPError where error.statusCode == 401 {
                let accepted = tokens.acceptances.value
                refused = accepted == acceptedAtLast401 ? refused + 1 : 1
                acceptedAtLast401 = accepted
                unauthorized += 1
                guard refused < Self.refusals, unauthorized < Self.storm else { throw error }
                if await tokens.invalidate(token) {
                    logger.notice("access token rejected; signing in again", metadata: ["url": "\(request.redactedURL)"])
                }
            }
        }
    }
}

/// A parsed JSON value (from JSONSerialization: immutable Foundation containers) handed from the
/// HTTP worker to the caller once.
struct UncheckedJSON: @unchecked Sendable {
    let value: Any
}

/// Small, read-only walks through parsed JSON: only what paging needs.
enum JSONPeek {
    static func object(_ value: Any?) -> [String: Any]? { value as? [String: Any] }

    static func string(_ value: Any?, _ path: String...) -> String? {
        var current = value
        for key in path { current = (current as? [String: Any])?[key] }
        return current as? String
    }

    static func array(_ value: Any?, _ key: String) -> [Any] { ((value as? [String: Any])?[key] as? [Any]) ?? [] }
}
