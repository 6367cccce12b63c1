import Foundation

/// Where a PostgreSQL warehouse lives: `postgres://user@host:port/db` (or `postgresql://`), with
/// libpq's `sslmode` and `sslrootcert` and our `password_env` as query parameters (PostgresTLS.swift).
///
/// The password is never taken from the URL (it would end up in shell history, `ps`, cron files
/// and logs): it comes from the variable `?password_env=NAME` names, else from `PGPASSWORD`, else
/// from the password file libpq reads (`PGPASSFILE`, else `~/.pgpass`, owner-only,
/// `host:port:database:user:password` lines with `*` wildcards,
/// https://www.postgresql.org/docs/15/libpq-pgpass.html). The URL is only ever shown as
/// `redacted`, which holds no password; `description` is that too.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let user: String
    public let host: String
    public let port: Int
    public let database: String
    /// From password_env's variable, PGPASSWORD or the password file; nil when none has one (trust or peer auth).
    public let password: String?
    /// `sslmode`, else PGSSLMODE, else libpq's default, `prefer`.
    public var sslMode: PostgresSSLMode = .prefer
    /// `sslrootcert`, else PGSSLROOTCERT, else `~/.postgresql/root.crt` when it exists, else nil.
    public var sslRootCert: String?
    /// The name `?password_env=` gave: not a secret, so it stays in `redacted`.
    public var passwordVariable: String?

    /// The URL without any password, safe for output, logs and errors; it keeps a `sslmode` other
    /// than the default and `password_env`, which say how the connection is made.
    public var redacted: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var query: [String] = []
        if sslMode != .prefer { query.append("sslmode=\(sslMode.rawValue)") }
        if let passwordVariable { query.append("password_env=\(passwordVariable)") }
        let tail = query.isEmpty ? "" : "?" + query.joined(separator: "&")
        return "postgres://\(user)@\(shownHost):\(port)/\(database)\(tail)"
    }

    public var description: String { redacted }
    public var debugDescription: String { redacted }

    /// True when `text` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses `text` and finds its password. `environment` and `home` are the process's unless a
    /// test passes others.
    public static func parse(
        _ text: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        home: String = NSHomeDirectory()
    ) throws -> PostgresURL {
        let shown = PostgresError.redacting(text, password: nil)
        guard isPostgres(text), let schemeEnd = text.range(of: "://") else {
            throw PostgresError("\(shown): not a PostgreSQL URL (postgres://user@host:port/database)")
        }
        var rest = String(text[schemeEnd.upperBound...])
        var parameters: [String: String] = [:]
        if let question = rest.firstIndex(of: "?") {
            parameters = try checkParameters(String(rest[rest.index(after: question)...]), shown: shown)
            rest = String(rest[..<question])
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = slash < rest.endIndex ? String(rest[rest.index(after: slash)...]) : ""
        var hostPort = authority
        var user = environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 } ?? NSUserName()
        if let at = authority.lastIndex(of: "@") {
            let userInfo = String(authority[..<at])
            if userInfo.contains(":") {
                throw PostgresError("\(shown): a password in the URL is not accepted; set PGPASSWORD or use ~/.pgpass")
            }
            if !userInfo.isEmpty { user = userInfo.removingPercentEncoding ?? userInfo }
            hostPort = String(authority[authority.index(after: at)...])
        }
        let (host, port) = try splitHostPort(hostPort, shown: shown)
        let database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        guard !database.contains("/") else { throw PostgresError("\(shown): the database name cannot contain '/'") }
        let (sslMode, sslRootCert) = try tlsSettings(parameters, environment: environment, home: home, shown: shown)
        let variable = parameters["password_env"]
        // A named variable comes first, as the most specific thing the caller said; unset, it is an
        // error rather than a quiet fall back to another password.
        let password = try variable.map { name in
            guard let value = environment[name], !value.isEmpty else {
                throw PostgresError("\(shown): password_env names \(name), which is not set or empty")
            }
            return value
        } ?? findPassword(host: host, port: port, database: database, user: user, environment: environment, home: home)
        return PostgresURL(
            user: user, host: host, port: port, database: database, password: password, sslMode: sslMode, sslRootCert: sslRootCert,
            passwordVariable: variable)
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; the host defaults to 127.0.0.1, the port to 5432.
    static func splitHostPort(_ text: String, shown: String) throws -> (String, Int) {
        var host = text, portText = ""
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw PostgresError("\(shown): an unclosed '[' in the host") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = String(after.dropFirst()) } else if !after.isEmpty {
                throw PostgresError("\(shown): unexpected text after the host")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        if host.isEmpty { host = "127.0.0.1" }
        guard portText.isEmpty || (Int(portText).map { (1...65535).contains($0) } ?? false) else {
            throw PostgresError("\(shown): the port must be a number from 1 to 65535")
        }
        return (host, Int(portText) ?? 5432)
    }

    /// The parameters understood: libpq's `sslmode` and `sslrootcert`
    /// (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-PARAMKEYWORDS) and `password_env`,
    /// ours. Anything else is refused rather than ignored (a misspelt `sslmode` must not quietly
    /// mean `prefer`), and so is a parameter given twice (`…&sslmode=disable` appended to a URL).
    static func checkParameters(_ query: String, shown: String) throws -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            if name == "password" {
                throw PostgresError("\(shown): a password in the URL is not accepted; set PGPASSWORD or use ~/.pgpass")
            }
            guard ["sslmode", "sslrootcert", "password_env"].contains(name) else {
                throw PostgresError("\(shown): URL parameter '\(name)' is not supported (only sslmode, sslrootcert, password_env)")
            }
            let value = parts.count == 2 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            guard !value.isEmpty else { throw PostgresError("\(shown): URL parameter '\(name)' has no value") }
            guard parameters.updateValue(value, forKey: name) == nil else {
                throw PostgresError("\(shown): URL parameter '\(name)' is given twice")
            }
        }
        if let name = parameters["password_env"], name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) == nil {
            throw PostgresError("\(shown): password_env must name an environment variable (letters, digits, _)")
        }
        return parameters
    }
}

extension PostgresURL {
    /// PGPASSWORD, else the first matching line of the password file, else nil (when the URL has
    /// no `password_env`).
    static func findPassword(
        host: String, port: Int, database: String, user: String, environment: [String: String], home: String
    ) throws -> String? {
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let file = environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? (home as NSString).appendingPathComponent(".pgpass")
        var info = stat()
        guard stat(file, &info) == 0 else { return nil }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        if info.st_mode & 0o077 != 0 {
            throw PostgresError(
                "\(file): the password file is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw PostgresError("\(file): cannot read the password file")
        }
        let wanted = [host, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = passFields(String(line))
            guard fields.count >= 5 else { continue }
            // As libpq does, an unescaped ':' in the password field belongs to the password.
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4...].joined(separator: ":") }
        }
        return nil
    }

    /// One password-file line split on unescaped `:`, with `\:` and `\\` unescaped.
    static func passFields(_ line: String) -> [String] {
        var fields: [String] = [], current = "", escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
