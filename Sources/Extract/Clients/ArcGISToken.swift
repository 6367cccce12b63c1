import Foundation
import Logging
import Transport
import WarehouseCore

/// How the warehouse signs in to ArcGIS Online. An org-admin *user* token is needed for
/// `portals/{orgId}/usage` (app tokens cannot read admin endpoints; contracts/agol.md §1).
public enum ArcGISCredentials: Sendable {
    /// `POST /sharing/rest/generateToken` with the admin's username and password (passed in by
    /// the caller, from the environment or an owner-only file), bound to `referer`.
    case password(username: String, password: String, referer: String)
    /// `POST /sharing/rest/oauth2/token`, `grant_type=refresh_token`.
    case refreshToken(clientID: String, refreshToken: String)
}

/// Gets and caches an ArcGIS token, and gets a new one `refreshMargin` seconds before it
/// expires (`expires` in ms from generateToken, `expires_in` s from OAuth2) or when a caller
/// reports it rejected (498/499/GWM_0003). The token is registered with `Redaction`, so it never
/// appears in logs, errors or stored request URLs.
/// https://developers.arcgis.com/rest/users-groups-and-items/generate-token/
public actor ArcGISTokenProvider {
    public let sharingURL: String
    private let credentials: ArcGISCredentials
    private let http: HTTPClient
    private let expirationMinutes: Int
    private let now: @Sendable () -> Date
    private let cache: TokenCache

    /// Tokens fetched so far (tests and logs).
    public private(set) var fetchCount = 0

    /// `sharingURL` is `https://<urlKey>.maps.arcgis.com/sharing/rest` (or the sandbox's).
    public init(
        sharingURL: String, credentials: ArcGISCredentials, http: HTTPClient, refreshMargin: TimeInterval = 300,
        expirationMinutes: Int = 120, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.sharingURL = sharingURL.hasSuffix("/") ? String(sharingURL.dropLast()) : sharingURL
        self.credentials = credentials
        self.http = http
        self.cache = TokenCache(refreshMargin: refreshMargin, now: now)
        self.expirationMinutes = expirationMinutes
        self.now = now
        switch credentials {
        case .password(_, let password, _): Redaction.register(secret: password)
        case .refreshToken(_, let token): Redaction.register(secret: token)
        }
    }

    /// The `Referer` a referer-bound token must be sent with, if any.
    public nonisolated var referer: String? {
        if case .password(_, _, let referer) = credentials { return referer }
        return nil
    }

    /// A token valid for at least `refreshMargin` more seconds.
    public func token() async throws -> String {
        try await cache.token { try await self.fetch() }
    }

    /// Forgets `token` if it is the cached one; false when it was already replaced.
    @discardableResult
    public func invalidate(_ token: String) async -> Bool {
        await cache.invalidate(token)
    }

    private func fetch() async throws -> (String, Date) {
        let url: String
        let fields: [(String, String)]
        switch credentials {
        case .password(let username, let password, let referer):
            url = "\(sharingURL)/generateToken"
            fields = [
                ("username", username), ("password", password), ("client", "referer"), ("referer", referer),
                ("expiration", String(expirationMinutes)), ("f", "json"),
            ]
        case .refreshToken(let clientID, let refreshToken):
            url = "\(sharingURL)/oauth2/token"
            fields = [("client_id", clientID), ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("f", "json")]
        }
        let request = HTTPRequest.form(url: url, fields: fields, headers: [(name: "Accept", value: "application/json")])
        let (response, root) = try await http.send(request) { try ArcGISClient.parse($0) }
        do {
            try DocumentReader.checkArcGISError(root)
        } catch let error as ArcGISError {
            throw error.at(response.url)
        }
        let issued = now()
        if let token = try? root.optionalString("token"), !token.isEmpty {
            Redaction.register(secret: token)
            fetchCount += 1
            let expiresMs = (try? root.optionalInt64("expires")) ?? nil
            let expires = expiresMs.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) } ?? issued.addingTimeInterval(TimeInterval(expirationMinutes * 60))
            return (token, expires)
        }
        if let token = try? root.optionalString("access_token"), !token.isEmpty {
            Redaction.register(secret: token)
            fetchCount += 1
            let lifetime = ((try? root.optionalInt64("expires_in")) ?? nil) ?? 1800
            return (token, issued.addingTimeInterval(TimeInterval(lifetime)))
        }
        throw ArcGISError("the token response has no token", place: response.url)
    }
}
