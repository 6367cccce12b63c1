import Foundation
import Transport

/// Where a source's secrets come from: the environment first, then the owner-only
/// `secrets_file` (`NAME=value` lines, `#` comments), so a cron job needs no secret in its
/// crontab and no secret is ever written in `warehouse.yaml`.
///
/// A secrets file that group or others can read is refused, as OpenSSH refuses a readable key:
/// a secret that has leaked to other accounts should stop the run, not be used quietly. Every
/// value handed out is registered with `Redaction`, so it never reaches a log, error or stored URL.
public struct SecretStore: Sendable {
    let environment: [String: String]
    let file: [String: String]
    let filePath: String?
    /// The configuration file, for messages.
    let configFile: String

    /// Reads `path` (if any) now, so a bad file fails the run before any source starts.
    public init(path: String?, configFile: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.environment = environment
        self.configFile = configFile
        self.filePath = path
        self.file = try path.map(Self.read) ?? [:]
    }

    /// The value of `name`, or an error naming the configuration key that wanted it (`key`, such
    /// as `sources[csp].client_secret_env` or `alerts.mail.password_env`).
    public func value(_ name: String, key: String) throws -> String {
        let value = environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? file[name]
        guard let value, !value.isEmpty else {
            let where_ = filePath.map { "the environment or \($0)" } ?? "the environment"
            throw ConfigError(file: configFile, key: key, message: "\(name) is not set in \(where_)")
        }
        Redaction.register(secret: value)
        return value
    }

    static func read(_ path: String) throws -> [String: String] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigError(file: path, key: "secrets_file", message: "cannot read the secrets file: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ConfigError(
                file: path, key: "secrets_file",
                message: String(format: "the secrets file is readable by other users (mode %o); run chmod 600 %@", info.st_mode & 0o777, path))
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, key: "secrets_file", message: "cannot read the secrets file as UTF-8 text")
        }
        var values: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                // Never echo the line: it may be a secret pasted without its name.
                throw ConfigError(file: path, key: "line \(index + 1)", message: "expected NAME=value")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[name] = value
        }
        return values
    }
}
