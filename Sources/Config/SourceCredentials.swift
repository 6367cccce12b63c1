import Extract
import Foundation

/// A source's sign-in, resolved from the environment or the secrets file before the run starts.
public enum SourceCredentials: Sendable {
    case azureAD(AzureADCredentials)
    case arcgis(ArcGISCredentials)
    case none

    public init(source: SourceConfiguration, secrets: SecretStore) throws {
        func secret(_ role: String) throws -> String? {
            guard let name = source.secretNames[role] else { return nil }
            return try secrets.value(name, key: "sources[\(source.name)].\(role)_env")
        }
        switch source.kind {
        case .partnercenter, .azure:
            let clientID = source.clientID ?? ""
            if let refresh = try secret("refresh_token") {
                self = .azureAD(.refreshToken(clientID: clientID, refreshToken: refresh, clientSecret: try secret("client_secret")))
            } else {
                self = .azureAD(.clientSecret(clientID: clientID, secret: try secret("client_secret") ?? ""))
            }
        case .arcgis:
            if let username = source.username, let password = try secret("password") {
                self = .arcgis(.password(username: username, password: password, referer: source.referer ?? "warehouse"))
            } else {
                self = .arcgis(.refreshToken(clientID: source.clientID ?? "", refreshToken: try secret("refresh_token") ?? ""))
            }
        case .files:
            self = .none
        }
    }
}
