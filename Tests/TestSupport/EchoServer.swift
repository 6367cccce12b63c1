import Foundation
import Sandbox

/// A loopback server (the sandbox's Hummingbird host on port 0, with its own routes) that answers
/// every data request with the error envelope of the API it imitates, repeating the request whole:
/// method, URL, every header and the body. With `failTokens`, token requests are answered the same
/// way; otherwise they get `issuedToken`. Used to prove that what a server repeats never carries a
/// secret into an error, a log line or the database.
public struct EchoRoutes: SandboxRoutes {
    public let failTokens: Bool
    public let issuedToken: String

    public init(failTokens: Bool, issuedToken: String) {
        self.failTokens = failTokens
        self.issuedToken = issuedToken
    }

    public func respond(to request: SandboxRequest, in sandbox: SandboxState) async -> SandboxResponse? {
        let echo = Self.echo(request)
        let path = request.path
        if path.hasPrefix("/sharing/rest") {
            if !failTokens && path.hasSuffix("/generateToken") {
                return Self.json(200, ["token": issuedToken, "expires": Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000, "ssl": false])
            }
            if !failTokens && path.hasSuffix("/oauth2/token") {
                return Self.json(200, ["access_token": issuedToken, "expires_in": 1800, "username": "admin"])
            }
            // ArcGIS: HTTP 200 with the error envelope; the message names the request.
            return Self.json(200, ["error": ["code": 400, "message": "Unable to process \(echo)", "details": [echo]]])
        }
        if path.hasSuffix("/oauth2/token") {
            if !failTokens {
                return Self.json(200, ["token_type": "Bearer", "access_token": issuedToken, "expires_in": "3599"])
            }
            return Self.json(401, ["error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided. Request: \(echo)\r\nTrace ID: 1"])
        }
        if path.hasPrefix("/subscriptions") {
            return Self.json(400, ["error": ["code": "InvalidInput", "message": echo]])
        }
        // Partner Center.
        return Self.json(400, ["code": 400, "description": echo, "errorName": "BadRequest", "data": [echo]])
    }

    static func echo(_ request: SandboxRequest) -> String {
        let headers = request.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
        return "\(request.method) \(request.origin)\(request.path)?\(request.rawQuery)\n\(headers)\n\n\(String(decoding: request.body, as: UTF8.self))"
    }

    static func json(_ status: Int, _ object: [String: Any]) -> SandboxResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return SandboxResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(body))
    }
}
