import Foundation
import Synchronization

/// Keeps secrets out of every string that leaves a client: log lines, error messages and the
/// `request` column of `raw_pages`.
///
/// Three layers, because each catches what another might miss: secret query parameters are
/// replaced by name; JSON members, form fields and `Bearer` credentials are replaced by shape;
/// and the exact values a client was configured with (its client secret, refresh token, every
/// access token it received) are registered and replaced wherever they appear.
public enum Redaction {
    public static let placeholder = "REDACTED"

    /// Query, form and JSON names whose values are secrets (compared case-insensitively).
    public static let secretNames: Set<String> = [
        "token", "access_token", "refresh_token", "id_token", "client_secret", "password", "code",
        "client_assertion", "api_key", "apikey", "key", "sig", "secret", "authorization",
    ]

    private static let known = Mutex<Set<String>>([])

    /// Registers a secret value to be replaced wherever it appears. Values shorter than 8
    /// characters are ignored (too likely to match innocent text).
    public static func register(secret: String) {
        guard secret.count >= 8 else { return }
        known.withLock { _ = $0.insert(secret) }
    }

    /// `url` with the values of secret query parameters and any `user:password@` replaced.
    public static func redactURL(_ url: String) -> String {
        var text = url
        if let schemeEnd = text.range(of: "://") {
            let afterScheme = text[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
            if let at = afterScheme[..<authorityEnd].lastIndex(of: "@") {
                text.replaceSubrange(schemeEnd.upperBound..<at, with: placeholder)
            }
        }
        guard let q = text.firstIndex(of: "?") else { return redactKnown(text) }
        let fragmentStart = text[q...].firstIndex(of: "#") ?? text.endIndex
        let query = text[text.index(after: q)..<fragmentStart]
        let redacted = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            let name = String(pair[..<eq]).removingPercentEncoding ?? String(pair[..<eq])
            return secretNames.contains(name.lowercased()) ? "\(pair[..<eq])=\(placeholder)" : String(pair)
        }.joined(separator: "&")
        return redactKnown(String(text[...q]) + redacted + String(text[fragmentStart...]))
    }

    /// Free text (a response body prefix, an error message): JSON members and form fields with
    /// secret names, `Bearer` credentials and registered values replaced.
    public static func redactText(_ text: String) -> String {
        var out = text
        for (regex, template) in patterns {
            let range = NSRange(out.startIndex..., in: out)
            out = regex.stringByReplacingMatches(in: out, options: [], range: range, withTemplate: template)
        }
        return redactKnown(out)
    }

    private static func redactKnown(_ text: String) -> String {
        let secrets = known.withLock { $0 }
        guard !secrets.isEmpty else { return text }
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: placeholder)
        }
        return out
    }

    // NSRegularExpression is immutable once built and safe to use from several threads.
    private static let patterns: [(NSRegularExpression, String)] = {
        let names = secretNames.sorted().map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        // In JSON, `code` and `key` are error codes and header names far more often than secrets.
        let jsonNames = secretNames.subtracting(["code", "key"]).sorted().map(NSRegularExpression.escapedPattern(for:))
            .joined(separator: "|")
        let specs: [(String, String)] = [
            // "access_token": "…"  (JSON)
            ("(\"(?:\(jsonNames))\"\\s*:\\s*\")[^\"]*(\")", "$1\(placeholder)$2"),
            // access_token=…  (query strings, form bodies)
            ("((?:^|[?&\\s])(?:\(names))=)[^&\\s\"]*", "$1\(placeholder)"),
            // Bearer eyJ…
            ("((?i:bearer)\\s+)[A-Za-z0-9._~+/=-]+", "$1\(placeholder)"),
        ]
        return specs.compactMap { pattern, template in
            (try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])).map { ($0, template) }
        }
    }()
}
