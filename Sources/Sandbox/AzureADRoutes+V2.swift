import Foundation

/// The Microsoft identity platform (v2) side of the token endpoint, which MSAL and so
/// azure-identity's `ClientSecretCredential` use: the tenant's OpenID Connect discovery document
/// (where the token endpoint is), and `POST /{tenant}/oauth2/v2.0/token`, which names the API by
/// `scope` (`https://management.azure.com/.default`) instead of v1's `resource`.
/// https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc ("Find your app's OpenID configuration document URI")
/// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
extension AzureADRoutes {
    /// The resource of the first `…/.default` scope (`https://management.azure.com/.default`
    /// → `https://management.azure.com/`), else the first scope as given.
    static func resource(scope: String) -> String {
        let scopes = scope.split(separator: " ").map(String.init)
        guard let first = scopes.first(where: { $0.hasSuffix("/.default") }) ?? scopes.first else { return "" }
        return first.hasSuffix("/.default") ? String(first.dropLast(".default".count)) : first
    }

    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
    func discovery(_ request: SandboxRequest, _ sandbox: SandboxState) -> SandboxResponse {
        let tenant = SandboxRequest.percentDecode(request.segments[0])
        guard tenant.caseInsensitiveCompare(sandbox.configuration.tenant) == .orderedSame else {
            return SandboxResponse.json(400, {
                var w = JSONWriter()
                w.beginObject()
                w.member("error", "invalid_tenant")
                w.member("error_description", "AADSTS90002: Tenant '\(tenant)' not found.")
                w.endObject()
                return w
            }())
        }
        let base = "\(request.origin)/\(tenant)"
        var w = JSONWriter()
        w.beginObject()
        w.member("issuer", "\(base)/v2.0")
        w.member("authorization_endpoint", "\(base)/oauth2/v2.0/authorize")
        w.member("token_endpoint", "\(base)/oauth2/v2.0/token")
        w.member("jwks_uri", "\(base)/discovery/v2.0/keys")
        w.array("response_types_supported") { $0.string("code") }
        w.array("subject_types_supported") { $0.string("pairwise") }
        w.array("id_token_signing_alg_values_supported") { $0.string("RS256") }
        w.array("token_endpoint_auth_methods_supported") { $0.string("client_secret_post") }
        w.member("tenant_region_scope", "EU")
        w.endObject()
        return .json(200, w)
    }
}
