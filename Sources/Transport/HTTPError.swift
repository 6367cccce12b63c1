import Foundation

/// Why a request failed, with a stable one-line message that never contains a secret.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a status the caller did not accept. `url` is redacted and
    /// `bodyPrefix` is the first bytes of the body, redacted.
    case status(code: Int, url: String, bodyPrefix: String)
    /// The server kept saying "not ready yet" (204/202) until the retry policy gave up.
    case notReady(status: Int, url: String, retryAfterSeconds: Int?)
    /// Connection, DNS, TLS or timeout failure reported by libcurl (`code` is the CURLcode).
    case transport(code: Int, message: String, url: String)
    /// A 2xx body that is not what was asked for (not JSON, cut off).
    case malformedBody(url: String, reason: String)
    /// The retry policy's attempts or total wait ran out; `last` is the final failure.
    case retriesExhausted(attempts: Int, url: String, last: String)

    public var description: String {
        switch self {
        case .status(let code, let url, let body):
            let detail = body.isEmpty ? "" : ": \(body)"
            return "HTTP \(code) from \(url)\(detail)"
        case .notReady(let status, let url, let retryAfter):
            let wait = retryAfter.map { " (Retry-After \($0) s)" } ?? ""
            return "data not ready yet (HTTP \(status)) at \(url)\(wait); try again later"
        case .transport(let code, let message, let url):
            return url.isEmpty ? "\(message) (curl \(code))" : "\(message) (curl \(code)) for \(url)"
        case .malformedBody(let url, let reason):
            return "malformed response from \(url): \(reason)"
        case .retriesExhausted(let attempts, let url, let last):
            return "gave up on \(url) after \(attempts) attempts: \(last)"
        }
    }

    /// The HTTP status, when the failure was one.
    public var statusCode: Int? {
        switch self {
        case .status(let code, _, _): return code
        case .notReady(let status, _, _): return status
        default: return nil
        }
    }

    /// Builds `.status` from a response, keeping at most `limit` bytes of its body, redacted.
    static func from(_ response: HTTPResponse, limit: Int = 300) -> HTTPError {
        // Redact before cutting: a secret cut in half at `limit` would no longer match.
        var text = String(decoding: response.body.prefix(64 * 1024), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        text = Redaction.redactText(text).split(whereSeparator: \.isNewline).joined(separator: " ")
        return .status(code: response.status, url: response.url, bodyPrefix: String(text.prefix(limit)))
    }
}
