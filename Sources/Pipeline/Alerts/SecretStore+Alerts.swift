import Extract
import Foundation

extension SecretStore {
    /// The secret an `alerts:` `*_env` key names, from the environment or the `secrets_file`
    /// (the same places the sources' secrets come from); a missing one is a `ConfigError` naming
    /// the key. The value is registered with `Redaction`.
    func alertSecret(_ name: String, key: String) throws -> String {
        let value = environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? file[name]
        guard let value, !value.isEmpty else {
            let where_ = filePath.map { "the environment or \($0)" } ?? "the environment"
            throw ConfigError(file: configFile, key: key, message: "\(name) is not set in \(where_)")
        }
        Redaction.register(secret: value)
        return value
    }
}
