import Foundation
import NIOSSL
import PostgresNIO

/// libpq's `sslmode`, with its names and meanings, so a URL that works with `psql` means the same
/// here (https://www.postgresql.org/docs/15/libpq-ssl.html, table "SSL Mode Descriptions";
/// https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNECT-SSLMODE).
public enum PostgresSSLMode: String, Sendable, Equatable, CaseIterable {
    /// No TLS.
    case disable
    /// Plaintext first; TLS only when the server refuses that (libpq retries with TLS after an
    /// error from the server, such as a `hostssl`-only pg_hba.conf).
    case allow
    /// TLS when the server offers it, plaintext when it says no; libpq's default. A failed
    /// handshake is an error here, where libpq would retry in plaintext.
    case prefer
    /// TLS or nothing; the certificate is not checked (unless a root certificate file exists:
    /// then, as libpq does for backwards compatibility, the chain is, like `verify-ca`).
    case require
    /// TLS, the server's chain checked against `sslrootcert`; its name is not.
    case verifyCA = "verify-ca"
    /// TLS, the chain checked and the server's name too: the URL's host against the certificate's
    /// DNS names (or its IP addresses against the address connected to).
    case verifyFull = "verify-full"

    var verifiesChain: Bool { self == .verifyCA || self == .verifyFull }
}

extension PostgresURL {
    /// The mode and root certificate file from the URL's parameters, else libpq's variables
    /// PGSSLMODE and PGSSLROOTCERT (https://www.postgresql.org/docs/15/libpq-envars.html), else
    /// libpq's defaults: `prefer`, and `~/.postgresql/root.crt` when that file exists. A root
    /// certificate file that was named must be readable; verify-ca and verify-full need one.
    static func tlsSettings(
        _ parameters: [String: String], environment: [String: String], home: String, shown: String
    ) throws -> (PostgresSSLMode, String?) {
        let fromEnvironment = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let modeText = parameters["sslmode"] ?? fromEnvironment("PGSSLMODE") ?? PostgresSSLMode.prefer.rawValue
        guard let mode = PostgresSSLMode(rawValue: modeText) else {
            let source = parameters["sslmode"] == nil ? "PGSSLMODE" : "sslmode"
            let known = PostgresSSLMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw PostgresError("\(shown): \(source) '\(modeText)' is not one of \(known)")
        }
        guard mode != .disable else { return (mode, nil) }
        if let named = parameters["sslrootcert"] ?? fromEnvironment("PGSSLROOTCERT") {
            guard FileManager.default.isReadableFile(atPath: named) else {
                throw PostgresError("\(named): cannot read the root certificate file (sslrootcert)")
            }
            return (mode, named)
        }
        let standard = (home as NSString).appendingPathComponent(".postgresql/root.crt")
        if FileManager.default.isReadableFile(atPath: standard) { return (mode, standard) }
        guard !mode.verifiesChain else {
            throw PostgresError(
                "\(shown): sslmode=\(mode.rawValue) needs a root certificate: set sslrootcert or PGSSLROOTCERT, or put it in \(standard)")
        }
        return (mode, nil)
    }

    /// The TLS modes postgres-nio is asked for, in order: two for `allow` (plaintext, then TLS
    /// required), one otherwise. `PostgresConnection.Configuration.TLS` has no `allow` of its own
    /// (https://api.vapor.codes/postgresnio/documentation/postgresnio/postgresconnection/configuration/tls).
    func tlsAttempts() throws -> [PostgresConnection.Configuration.TLS] {
        switch sslMode {
        case .disable: return [.disable]
        case .allow: return [.disable, .require(try sslContext())]
        case .prefer: return [.prefer(try sslContext())]
        case .require, .verifyCA, .verifyFull: return [.require(try sslContext())]
        }
    }

    /// The client side of the handshake: TLS 1.2 at least (libpq's `ssl_min_protocol_version`
    /// default), and the check `sslmode` asks for. libpq checks the chain whenever it has a root
    /// certificate file, whatever the mode; so does this.
    func sslContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let sslRootCert {
            let certificates = (try? NIOSSLCertificate.fromPEMFile(sslRootCert)) ?? []
            guard !certificates.isEmpty else {
                throw PostgresError("\(sslRootCert): not a PEM certificate file (sslrootcert)")
            }
            configuration.trustRoots = .certificates(certificates)
            configuration.certificateVerification = sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
        } else {
            configuration.certificateVerification = .none
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw PostgresError("\(redacted): cannot set up TLS: \(error)")
        }
    }

    /// A TLS failure while connecting, in a few stable words naming what to fix, or nil when
    /// `error` is not one. SwiftNIO SSL's own text lists BoringSSL's internal error stack.
    func tlsFailure(_ error: any Error) -> PostgresError? {
        guard let error = error as? PSQLError else { return nil }
        let reason: String
        if error.code == .sslUnsupported {
            reason = "the server does not support SSL, but sslmode=\(sslMode.rawValue) requires it"
        } else if let extra = error.underlying as? NIOSSLExtraError, extra == .failedToValidateHostname {
            reason = "the server's certificate does not name \(host) (sslmode=verify-full)"
        } else if case NIOSSLError.handshakeFailed(let boring)? = error.underlying as? NIOSSLError {
            let root = sslRootCert.map { " against \($0)" } ?? ""
            reason = String(describing: boring).contains("CERTIFICATE_VERIFY_FAILED")
                ? "the server's certificate does not verify\(root) (sslmode=\(sslMode.rawValue))"
                : "the TLS handshake failed (sslmode=\(sslMode.rawValue))"
        } else if error.underlying is NIOSSLError || error.underlying is NIOSSLExtraError {
            reason = "the TLS connection failed (sslmode=\(sslMode.rawValue))"
        } else {
            return nil
        }
        return PostgresError("\(redacted): cannot connect: \(reason)")
    }
}
