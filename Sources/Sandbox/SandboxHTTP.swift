import Foundation

/// A request as the sandbox's routes see it: independent of the server library, so route sets
/// (Azure AD, Partner Center, Azure Commerce, and later ArcGIS Online) are plain functions.
public struct SandboxRequest: Sendable {
    public let method: String
    /// The path without its query, split on `/` (empty segments dropped), still percent-encoded.
    public let segments: [String]
    public let path: String
    /// The raw query text after `?`, exactly as received.
    public let rawQuery: String
    /// Header names lower-cased.
    public let headers: [String: String]
    public let body: Data
    /// `http://host:port` as the client addressed us (for absolute links such as `nextLink`).
    public let origin: String

    /// Query parameters decoded like .NET and most servers do: `%XX` and `+` as space.
    public var query: [String: String] { SandboxRequest.decodeForm(rawQuery) }

    /// Form fields of an `application/x-www-form-urlencoded` body.
    public var form: [String: String] { SandboxRequest.decodeForm(String(decoding: body, as: UTF8.self)) }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The bearer token of the `Authorization` header, if any.
    public var bearerToken: String? {
        guard let value = header("authorization"), value.lowercased().hasPrefix("bearer ") else { return nil }
        return String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    static func decodeForm(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]))
            out[name] = parts.count > 1 ? percentDecode(String(parts[1])) : ""
        }
        return out
    }

    static func percentDecode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// A response a route returns.
public struct SandboxResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Send the headers (with the full `Content-Length`) and half of the body, then close the
    /// connection: what a connection reset mid-transfer looks like to a client (`truncated`).
    public var dropsConnection = false

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: Int, _ writer: JSONWriter, headers: [(String, String)] = []) -> SandboxResponse {
        SandboxResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: writer.bytes)
    }
}

/// A set of routes served by the sandbox. Returns nil for a request that is not its own, so
/// several sets sit side by side (`SandboxServer.start(routes:)`).
public protocol SandboxRoutes: Sendable {
    func respond(to request: SandboxRequest, in sandbox: SandboxState) async -> SandboxResponse?
}

/// Percent-encoding for values the sandbox puts in URLs (its own, not Extract's).
enum SandboxURL {
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
