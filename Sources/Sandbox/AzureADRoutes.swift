import Foundation
import WarehouseCore

/// Azure AD v1 token endpoint: `POST /{tenant}/oauth2/token`, form-encoded, grants
/// `client_credentials` and `refresh_token`. Success and error bodies have AAD's shapes
/// (`expires_in` as a string, as v1 sends it; errors with `error`, `error_description`,
/// `error_codes`, `trace_id`, `correlation_id`).
/// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
public struct AzureADRoutes: SandboxRoutes {
    public static let partnerCenterResource = "https://api.partnercenter.microsoft.com"
    public static let managementResource = "https://management.azure.com/"

    public init() {}

    public func respond(to request: SandboxRequest, in sandbox: SandboxState) async -> SandboxResponse? {
        let s = request.segments
        if s.count == 4, s[1] == "v2.0", s[2] == ".well-known", s[3] == "openid-configuration" { return discovery(request, sandbox) }
        let v2 = s.count == 4 && s[1] == "oauth2" && s[2] == "v2.0" && s[3] == "token"
        guard v2 || (s.count == 3 && s[1] == "oauth2" && s[2] == "token") else { return nil }
        guard request.method == "POST" else {
            return error(sandbox, 405, "invalid_request", 900561, "AADSTS900561: The endpoint only accepts POST requests.")
        }
        let config = sandbox.configuration
        let tenant = SandboxRequest.percentDecode(request.segments[0])
        guard tenant.caseInsensitiveCompare(config.tenant) == .orderedSame else {
            return error(sandbox, 400, "invalid_request", 90002, "AADSTS90002: Tenant '\(tenant)' not found.")
        }
        var form = request.form
        // v2 names the API by scope (`https://management.azure.com/.default`), v1 by resource.
        if v2 { form["resource"] = Self.resource(scope: form["scope"] ?? "") }
        guard let clientID = form["client_id"], !clientID.isEmpty else {
            return error(sandbox, 400, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'client_id'.")
        }
        guard clientID == config.clientID else {
            return error(sandbox, 400, "unauthorized_client", 700016, "AADSTS700016: Application with identifier '\(clientID)' was not found in the directory '\(tenant)'.")
        }
        let resource = (form["resource"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/")).lowercased()
        let audience: String
        switch resource {
        case AzureADRoutes.partnerCenterResource.lowercased(): audience = AzureADRoutes.partnerCenterResource
        case "https://management.azure.com", "https://management.core.windows.net": audience = AzureADRoutes.managementResource
        default:
            return error(sandbox, 400, "invalid_resource", 500011, "AADSTS500011: The resource principal named \(form["resource"] ?? "(none)") was not found in the tenant.")
        }
        switch form["grant_type"] {
        case "client_credentials":
            guard form["client_secret"] == config.clientSecret else {
                return error(sandbox, 401, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientID)'.")
            }
            return success(sandbox, audience: audience, refresh: nil, v2: v2)
        case "refresh_token":
            guard form["refresh_token"] == config.refreshToken else {
                return error(sandbox, 400, "invalid_grant", 9002313, "AADSTS9002313: Invalid request. Request is malformed or invalid.")
            }
            if let secret = form["client_secret"], secret != config.clientSecret {
                return error(sandbox, 401, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret provided.")
            }
            return success(sandbox, audience: audience, refresh: config.refreshToken, v2: v2)
        case let other:
            return error(sandbox, 400, "unsupported_grant_type", 70003, "AADSTS70003: The app requested an unsupported grant type '\(other ?? "")'.")
        }
    }

    private func success(_ sandbox: SandboxState, audience: String, refresh: String?, v2: Bool) -> SandboxResponse {
        let (token, expires) = sandbox.issueToken(audience: audience)
        let now = Int(Date().timeIntervalSince1970)
        var w = JSONWriter()
        w.beginObject()
        w.member("token_type", "Bearer")
        guard !v2 else {
            // v2: numbers, no `resource` or `expires_on`.
            w.member("expires_in", sandbox.configuration.tokenLifetime)
            w.member("ext_expires_in", sandbox.configuration.tokenLifetime)
            w.member("access_token", token)
            if let refresh { w.member("refresh_token", refresh) }
            w.endObject()
            return .json(200, w, headers: [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")])
        }
        w.member("expires_in", String(sandbox.configuration.tokenLifetime))
        w.member("ext_expires_in", String(sandbox.configuration.tokenLifetime))
        w.member("expires_on", String(Int(expires.timeIntervalSince1970)))
        w.member("not_before", String(now))
        w.member("resource", audience)
        w.member("access_token", token)
        if let refresh { w.member("refresh_token", refresh) }
        w.endObject()
        return .json(200, w, headers: [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")])
    }

    private func error(_ sandbox: SandboxState, _ status: Int, _ code: String, _ number: Int, _ text: String) -> SandboxResponse {
        var rng = SplitMix64(seed: UInt64(sandbox.requestCount), 77)
        let trace = rng.guid(), correlation = rng.guid()
        let stamp = UTCTime.now().iso8601
        var w = JSONWriter()
        w.beginObject()
        w.member("error", code)
        w.member("error_description", "\(text)\r\nTrace ID: \(trace)\r\nCorrelation ID: \(correlation)\r\nTimestamp: \(stamp)")
        w.array("error_codes") { $0.number(number) }
        w.member("timestamp", stamp)
        w.member("trace_id", trace)
        w.member("correlation_id", correlation)
        w.member("error_uri", "https://login.microsoftonline.com/error?code=\(number)")
        w.endObject()
        return .json(status, w)
    }
}
