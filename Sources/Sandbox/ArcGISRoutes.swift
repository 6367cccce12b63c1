import Foundation
import Synchronization
import WarehouseCore

/// ArcGIS Online's sharing REST API as the warehouse uses it (contracts/agol.md §1–5):
/// `generateToken`, `oauth2/token`, `portals/self`, `portals/{orgId}/users`, `portals/{orgId}/usage`,
/// `portals/{orgId}/assignUserCredits`, `portals/self/createNotification`, `search` and `content/items/{id}`. Errors come as HTTP 200
/// with an `{"error":{…}}` envelope, as the real service sends them; throttling and server errors
/// are real HTTP statuses. Credit budgets changed by `assignUserCredits` live in `SandboxState`,
/// so the users pages show them from then on.
/// https://developers.arcgis.com/rest/users-groups-and-items/
///
/// The organization is derived from the run's seed (cached per seed), `users` users in all.
public final class ArcGISRoutes: SandboxRoutes {
    public let userCount: Int
    public let budgeting: Bool
    private let cache = Mutex<[UInt64: ArcGISOrganization]>([:])
    static let audience = "arcgis"

    public init(users: Int = 250, budgeting: Bool = true) {
        self.userCount = users
        self.budgeting = budgeting
    }

    /// The organization served for `configuration` (same seed, same org).
    public func organization(for configuration: SandboxConfiguration) -> ArcGISOrganization {
        var org = cache.withLock({ $0[configuration.seed] }) ?? ArcGISOrganization(seed: configuration.seed, users: userCount, budgeting: budgeting)
        cache.withLock { $0[configuration.seed] = org }
        org.incidents = configuration.incidents
        return org
    }

    public func respond(to request: SandboxRequest, in sandbox: SandboxState) async -> SandboxResponse? {
        let s = request.segments
        let org = organization(for: sandbox.configuration)
        if s.first == org.id { return await featureService(request, org, sandbox) }
        guard s.count >= 2, s[0] == "sharing", s[1] == "rest" else { return nil }
        let params = request.query.merging(request.method == "POST" ? request.form : [:]) { $1 }
        let admin = org.users.first { $0.username == ArcGISOrganization.adminUsername }
        switch Array(s.dropFirst(2)) {
        case []: return root()
        case ["info"]: return info(request)
        case ["generateToken"]: return generateToken(request, params, sandbox)
        case ["oauth2", "token"]: return oauthToken(request, params, sandbox)
        // Every token the sandbox issues is the admin's.
        case ["portals", "self"]: return await serve(request, params, sandbox) { portal(org, user: admin, request, sandbox) }
        case ["portals", "self", "users", "counts"]: return await serve(request, params, sandbox) { userCounts(params, org) }
        case ["portals", "self", "roles"]: return await serve(request, params, sandbox) { roles() }
        case ["community", "users"]: return await serve(request, params, sandbox) { userSearch(params, org, sandbox) }
        case let p where p.count == 3 && p[0] == "community" && p[1] == "users":
            return await serve(request, params, sandbox) { communityUser(SandboxRequest.percentDecode(p[2]), org, sandbox) }
        case let p where p.count == 3 && p[0] == "portals" && p[2] == "users":
            guard p[1] == "self" || p[1] == org.id else { return nil }
            return await serve(request, params, sandbox) { users(params, org, sandbox) }
        case let p where p.count == 3 && p[0] == "portals" && p[2] == "usage":
            guard p[1] == "self" || p[1] == org.id else { return nil }
            return await serve(request, params, sandbox) { usage(params, org) }
        case let p where p.count == 3 && p[0] == "portals" && p[2] == "assignUserCredits":
            guard p[1] == "self" || p[1] == org.id else { return nil }
            guard request.method == "POST" else { return envelope(405, "assignUserCredits requires POST.", details: .list([])) }
            return await serve(request, params, sandbox) { assignUserCredits(params, org, sandbox) }
        case ["portals", "self", "createNotification"]:
            guard request.method == "POST" else { return envelope(405, "createNotification requires POST.", details: .list([])) }
            return await serve(request, params, sandbox) { createNotification(params, org, sandbox) }
        case ["search"]: return await serve(request, params, sandbox) { search(params, org, request) }
        case let p where p.count == 3 && p[0] == "content" && p[1] == "items":
            return await serve(request, params, sandbox) { item(SandboxRequest.percentDecode(p[2]), org, request) }
        default: return nil
        }
    }

    // MARK: Tokens

    private func generateToken(_ request: SandboxRequest, _ params: [String: String], _ sandbox: SandboxState) -> SandboxResponse {
        guard request.method == "POST" else { return envelope(405, "generateToken requires POST.", details: .list([])) }
        guard params["username"] == ArcGISOrganization.adminUsername, params["password"] == ArcGISOrganization.adminPassword else {
            return envelope(400, "Unable to generate token.", details: .list(["Invalid username or password."]))
        }
        // `expiration` in minutes (ArcGIS: default 60, at most two weeks), capped by the org's maximum.
        var minutes = 60
        if let text = params["expiration"], !text.isEmpty {
            guard let asked = Int(text), (1...20_160).contains(asked) else {
                return envelope(400, "Unable to generate token.", details: .list(["'expiration' must be a whole number of minutes from 1 to 20160."]))
            }
            minutes = asked
        }
        let (token, expires) = sandbox.issueToken(audience: Self.audience, lifetime: minutes * 60)
        var w = JSONWriter()
        w.beginObject()
        w.member("token", token)
        w.member("expires", Int(expires.timeIntervalSince1970 * 1000))
        w.member("ssl", request.origin.hasPrefix("https:"))
        w.endObject()
        return .json(200, w)
    }

    private func oauthToken(_ request: SandboxRequest, _ params: [String: String], _ sandbox: SandboxState) -> SandboxResponse {
        guard params["grant_type"] == "refresh_token", params["client_id"] == ArcGISOrganization.clientID,
            params["refresh_token"] == sandbox.configuration.refreshToken
        else {
            // The string `details` variant (contracts/agol.md §1).
            return envelope(400, "Invalid refresh_token", details: .text("Invalid refresh_token"), extra: ("error", "invalid_grant"))
        }
        let (token, _) = sandbox.issueToken(audience: Self.audience)
        var w = JSONWriter()
        w.beginObject()
        w.member("access_token", token)
        w.member("expires_in", sandbox.configuration.tokenLifetime)
        w.member("username", ArcGISOrganization.adminUsername)
        w.member("ssl", false)
        w.endObject()
        return .json(200, w)
    }

    // MARK: Common path

    /// Latency, an injected fault if one is due, the token check (498/499 envelopes), then the answer.
    func serve(
        _ request: SandboxRequest, _ params: [String: String], _ sandbox: SandboxState, _ produce: () -> SandboxResponse
    ) async -> SandboxResponse {
        let config = sandbox.configuration
        if config.latency > .zero { try? await Task.sleep(for: config.latency) }
        // The fault key leaves the token out: a retry with a new token is the same request.
        let query = request.rawQuery.split(separator: "&").filter { !$0.lowercased().hasPrefix("token=") }.joined(separator: "&")
        let fault = sandbox.fault(for: "\(request.method) \(request.path)?\(query)", allowed: [.throttle, .serverError, .truncatedBody, .malformedJSON, .slow])
        switch fault {
        case .throttle?:
            var r = envelope(429, "Too many requests. Retry after 1 seconds.", details: .list([]))
            r.status = 429
            r.headers.append(("Retry-After", "1"))
            return r
        case .serverError?:
            var r = envelope(500, "An error occurred while processing the request.", details: .list([]))
            r.status = FNV1a.hash(query) % 2 == 0 ? 503 : 500
            return r
        case .slow?: try? await Task.sleep(for: config.slowDelay)
        default: break
        }
        var token = params["token"]
        if token == nil, let auth = request.header("x-esri-authorization") ?? request.header("authorization"), auth.lowercased().hasPrefix("bearer ") {
            token = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        switch sandbox.check(token: token, audience: Self.audience) {
        case .ok: break
        case .missing: return envelope(499, "Token Required", details: .list(["Token Required"]), messageCode: "GWM_0003")
        case .invalid, .expired: return envelope(498, "Invalid token.", details: .list(["Invalid token."]))
        }
        var response = produce()
        switch fault {
        case .truncatedBody?: response.dropsConnection = true
        case .malformedJSON?: response.body = Array(response.body.prefix(max(1, response.body.count / 3))) + Array("\u{1}]]}".utf8)
        default: break
        }
        return response
    }

    enum Details { case list([String]), text(String) }

    /// `{"error":{"code":…,"message":…,"details":[…] or "…"}}` with HTTP 200, as AGOL answers errors.
    func envelope(_ code: Int, _ message: String, details: Details, messageCode: String? = nil, extra: (String, String)? = nil) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.object("error") { e in
            e.member("code", code)
            if let extra { e.member(extra.0, extra.1) }
            e.member("message", message)
            if let messageCode { e.member("messageCode", messageCode) }
            switch details {
            case .list(let items): e.array("details") { a in for d in items { a.string(d) } }
            case .text(let text): e.member("details", text)
            }
        }
        w.endObject()
        return .json(200, w)
    }

    // MARK: Documents

    /// `start` is 1-based; `num` defaults to 10, at most 100; only the first 10,000 results page
    /// (a page is cut at 10,000 with `nextStart: -1`; a start past it is an error). `username`
    /// filters: `abc*` a prefix, otherwise an exact name, case-insensitive.
    func users(_ params: [String: String], _ org: ArcGISOrganization, _ sandbox: SandboxState) -> SandboxResponse {
        var list = org.users
        if let filter = params["username"]?.lowercased(), !filter.isEmpty {
            if filter.hasSuffix("*") {
                let prefix = String(filter.dropLast())
                list = list.filter { $0.username.lowercased().hasPrefix(prefix) }
            } else {
                list = list.filter { $0.username.lowercased() == filter }
            }
        }
        if params["sortOrder"]?.lowercased() == "desc" { list.reverse() }
        let window = PageWindow(params, total: list.count)
        if let error = window.error { return envelope(400, "Unable to page beyond the first 10000 results.", details: .list([error])) }
        var w = JSONWriter(capacity: 400 * window.range.count + 128)
        w.beginObject()
        window.write(&w)
        w.array("users") { a in
            for u in list[window.range] { userJSON(&a, u, org: org, sandbox, full: false) }
        }
        w.endObject()
        return .json(200, w)
    }
}
