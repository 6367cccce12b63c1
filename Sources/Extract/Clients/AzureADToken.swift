import Foundation
import Logging
import Synchronization
import Transport
import WarehouseCore

/// How an app signs in to Azure AD (v1 endpoint).
public enum AzureADCredentials: Sendable {
    /// App-only: `grant_type=client_credentials`.
    case clientSecret(clientID: String, secret: String)
    /// App+User (the secure application model): `grant_type=refresh_token`; the secret is
    /// optional for public clients.
    case refreshToken(clientID: String, refreshToken: String, clientSecret: String?)
}

/// Why Azure AD refused a token request, with its `AADSTS` code and text (never the secret).
public struct AzureADError: Error, CustomStringConvertible, Sendable {
    public let status: Int
    public let error: String
    public let message: String

    public var description: String { Redaction.redactText("Azure AD refused the sign-in (HTTP \(status), \(error)): \(message)") }
}

/// Gets and caches an access token for one resource from Azure AD's v1 token endpoint,
/// `POST {authority}/{tenant}/oauth2/token`, and gets a new one shortly before it expires or
/// when a caller reports it rejected (`invalidate`).
/// https://learn.microsoft.com/partner-center/developer/partner-center-authentication
public actor AzureADTokenProvider {
    /// Requests any stream of this provider got through with a token: a 401 after others got
    /// through is a token expiring in a storm, not a refusal (`AuthorizedFetcher`).
    nonisolated let acceptances = AcceptanceCounter()
    public let authorityURL: String
    public let tenant: String
    public let resource: String
    private var credentials: AzureADCredentials
    private let http: HTTPClient
    private let now: @Sendable () -> Date
    private let cache: TokenCache

    /// Number of tokens fetched so far (for tests and logs).
    public private(set) var fetchCount = 0

    public init(
        authorityURL: String = "https://login.microsoftonline.com", tenant: String, resource: String,
        credentials: AzureADCredentials, http: HTTPClient, refreshMargin: TimeInterval = 300,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.authorityURL = authorityURL.hasSuffix("/") ? String(authorityURL.dropLast()) : authorityURL
        self.tenant = tenant
        self.resource = resource
        self.credentials = credentials
        self.http = http
        self.cache = TokenCache(refreshMargin: refreshMargin, now: now)
        self.now = now
        switch credentials {
        case .clientSecret(_, let secret): Redaction.register(secret: secret)
        case .refreshToken(_, let token, let secret):
            Redaction.register(secret: token)
            if let secret { Redaction.register(secret: secret) }
        }
    }

    /// A token valid for at least `refreshMargin` more seconds.
    public func token() async throws -> String {
        try await cache.token { try await self.fetch() }
    }

    /// Forgets `token` if it is the cached one (the server said 401), so the next call fetches
    /// anew. Returns false when another task has already replaced it (nothing to forget).
    @discardableResult
    public func invalidate(_ token: String) async -> Bool {
        await cache.invalidate(token)
    }

    private func fetch() async throws -> (String, Date) {
        var fields: [(String, String)] = []
        switch credentials {
        case .clientSecret(let id, let secret):
            fields = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret), ("resource", resource)]
        case .refreshToken(let id, let refresh, let secret):
            fields = [("grant_type", "refresh_token"), ("client_id", id), ("refresh_token", refresh), ("resource", resource)]
            if let secret { fields.append(("client_secret", secret)) }
        }
        let url = "\(authorityURL)/\(URLText.encode(tenant))/oauth2/token"
        let request = HTTPRequest.form(url: url, fields: fields, headers: [(name: "Accept", value: "application/json")])
        let json: [String: Any]
        do {
            let (_, value) = try await http.send(request) { response in
                guard let object = try HTTPClient.parseJSON(response) as? [String: Any] else {
                    throw HTTPError.malformedBody(url: response.url, reason: "token response is not a JSON object")
                }
                return SendableJSON(object)
            }
            json = value.object
        } catch let error as HTTPError {
            throw Self.explain(error)
        }
        guard let token = json["access_token"] as? String, !token.isEmpty else {
            throw AzureADError(status: 200, error: "no_token", message: "the token response has no access_token")
        }
        Redaction.register(secret: token)
        if let newRefresh = json["refresh_token"] as? String, case .refreshToken(let id, _, let secret) = credentials {
            Redaction.register(secret: newRefresh)
            credentials = .refreshToken(clientID: id, refreshToken: newRefresh, clientSecret: secret)
        }
        // AAD v1 sends `expires_in` as a string ("3599"); v2 as a number. Accept both.
        let lifetime = (json["expires_in"] as? NSNumber)?.doubleValue ?? Double((json["expires_in"] as? String) ?? "") ?? 3599
        fetchCount += 1
        return (token, now().addingTimeInterval(lifetime))
    }

    /// Turns the token endpoint's error JSON into `AzureADError` (first line of its description).
    private static func explain(_ error: HTTPError) -> any Error {
        guard case .status(let code, _, let body) = error else { return error }
        if let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let description = (object["error_description"] as? String ?? "").components(separatedBy: .newlines).first ?? ""
            return AzureADError(status: code, error: object["error"] as? String ?? "error", message: Redaction.redactText(description))
        }
        // The prefix may be cut before the JSON ends: read the two members directly.
        func member(_ name: String) -> String? {
            guard let start = body.range(of: "\"\(name)\":\"") else { return nil }
            let rest = body[start.upperBound...]
            let value = rest[..<(rest.firstIndex(of: "\"") ?? rest.endIndex)]
            return String(value[..<(value.range(of: "\\r\\n")?.lowerBound ?? value.endIndex)])
        }
        if let error = member("error") {
            return AzureADError(status: code, error: error, message: Redaction.redactText(member("error_description") ?? ""))
        }
        let firstLine = body.components(separatedBy: "Trace ID").first ?? body
        return AzureADError(status: code, error: "error", message: Redaction.redactText(firstLine.trimmingCharacters(in: .whitespaces)))
    }
}

/// A parsed JSON value handed across a concurrency boundary once, read-only.
struct SendableJSON: @unchecked Sendable {
    let object: [String: Any]
    init(_ object: [String: Any]) { self.object = object }
}

/// A count shared by the streams of one token provider.
final class AcceptanceCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
