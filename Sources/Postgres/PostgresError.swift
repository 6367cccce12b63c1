import Foundation
import PostgresNIO

/// Every failure at the PostgreSQL boundary: one line, stable wording, and never a password.
///
/// Messages name the database by its redacted URL (`postgres://user@host:port/db`); a server's
/// own message is passed through `redacting`, so a password the server or a value repeats (a
/// connection string pasted into a query, say) comes out as `***`.
public struct PostgresError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { message }

    /// `text` with any `scheme://user:password@` shortened to `scheme://user@` and every
    /// occurrence of `password` (when known) replaced.
    public static func redacting(_ text: String, password: String?) -> String {
        var out = text
        if let password, !password.isEmpty { out = out.replacingOccurrences(of: password, with: "***") }
        // user:password@ after a scheme: the password part goes, whatever it is.
        if let regex = try? NSRegularExpression(pattern: #"([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^@\s/]*@"#) {
            let range = NSRange(out.startIndex..., in: out)
            out = regex.stringByReplacingMatches(in: out, range: range, withTemplate: "$1@")
        }
        // A password=… URL parameter: its value goes.
        if let regex = try? NSRegularExpression(pattern: #"([?&]password=)[^&\s]*"#, options: .caseInsensitive) {
            out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1***")
        }
        return out
    }

    /// A postgres-nio error as one redacted line: the server's SQLSTATE and message when it sent
    /// one (postgres-nio's own `description` hides them on purpose), else what went wrong locally.
    public static func from(_ error: any Error, database: PostgresURL, doing what: String) -> PostgresError {
        if let error = error as? PostgresError { return error }
        let password = database.password
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = info[.detail].map { ": \($0)" } ?? ""
                let text = redacting("\(message)\(detail)", password: password)
                return PostgresError("\(database.redacted): \(what): \(text)\(state)")
            }
            if let reason = connectionFailure(error) { return PostgresError("\(database.redacted): \(what): \(reason)") }
            let underlying = error.underlying.map { ": \(redacting(String(describing: $0), password: password))" } ?? ""
            return PostgresError("\(database.redacted): \(what): \(error.code)\(underlying)")
        }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError {
                return from(inner, database: database, doing: what)
            }
        }
        return PostgresError("\(database.redacted): \(what): \(redacting(String(describing: error), password: password))")
    }

    /// A failure to reach or keep the server, in a few stable words (SwiftNIO's own text names
    /// resolver internals and differs between versions).
    static func connectionFailure(_ error: PSQLError) -> String? {
        switch error.code {
        case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
        case .connectionError: break
        default: return nil
        }
        let text = String(describing: error.underlying.map { $0 as Any } ?? error)
        if text.contains("Connection refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timed out") || text.contains("connectTimeout") { return "timed out" }
        if text.localizedCaseInsensitiveContains("resolve") || text.contains("getaddrinfo") { return "cannot resolve the host" }
        return "the server cannot be reached"
    }
}
