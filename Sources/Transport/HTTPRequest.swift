import Foundation

/// One HTTP request as the clients describe it; `HTTPClient` turns it into curl options.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    public var url: String
    /// Header name and value pairs, sent in this order, values byte for byte (continuation tokens
    /// must come back exactly as the server sent them).
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// When true, a 2xx body that is not valid JSON (a truncated or garbled page) counts as a
    /// transient failure and is retried, never handed on as a page.
    public var expectsJSON: Bool

    public init(
        method: Method = .get, url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        expectsJSON: Bool = true
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.expectsJSON = expectsJSON
    }

    /// A form-encoded POST (`application/x-www-form-urlencoded`), as Azure AD's token endpoint wants.
    public static func form(url: String, fields: [(String, String)], headers: [(name: String, value: String)] = []) -> HTTPRequest {
        let body = fields.map { "\(URLText.formEncode($0.0))=\(URLText.formEncode($0.1))" }.joined(separator: "&")
        return HTTPRequest(
            method: .post, url: url,
            headers: headers + [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
            body: Data(body.utf8))
    }

    /// The URL as it may be logged or stored: secrets in the query replaced.
    public var redactedURL: String { Redaction.redactURL(url) }

    /// The value of header `name` (case-insensitive), if sent.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Percent-encoding for URL query values and form bodies.
public enum URLText {
    /// RFC 3986 unreserved characters pass; everything else is percent-encoded (so `+` in a time
    /// offset becomes `%2B` and is not read back as a space).
    public static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + hex(byte)
            }
        }
        return out
    }

    /// `application/x-www-form-urlencoded` encoding: as `encode`, with spaces as `%20` (accepted by every server).
    public static func formEncode(_ text: String) -> String { encode(text) }

    /// A query string from ordered pairs, each name and value encoded.
    public static func query(_ items: [(String, String)]) -> String {
        items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
