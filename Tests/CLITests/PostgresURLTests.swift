import Foundation
import Postgres
import TestSupport
import Testing

/// The PostgreSQL boundary without a server: URLs, passwords, redaction, refusals.
@Suite struct PostgresURLTests {
    static let secret = "s3cr3t-Pa55"

    @Test func aURLNamesUserHostPortAndDatabase() throws {
        let url = try PostgresURL.parse("postgresql://ann@db.example:6543/usage", environment: [:], home: "/nonexistent")
        #expect(url.user == "ann" && url.host == "db.example" && url.port == 6543 && url.database == "usage")
        #expect(url.password == nil)
        #expect(url.redacted == "postgres://ann@db.example:6543/usage")
        let v6 = try PostgresURL.parse("postgres://bo@[::1]/w?sslmode=disable", environment: [:], home: "/nonexistent")
        #expect(v6.host == "::1" && v6.port == 5432 && v6.redacted == "postgres://bo@[::1]:5432/w?sslmode=disable")
        #expect(try PostgresURL.parse("postgres://cy@h", environment: [:], home: "/nonexistent").database == "cy")
    }

    @Test func aPasswordInTheURLIsRefusedWithoutBeingRepeated() throws {
        for text in ["postgres://ann:\(Self.secret)@h:5432/db", "postgres://ann@h/db?password=\(Self.secret)"] {
            let error = try #require(throws: PostgresError.self) { try PostgresURL.parse(text, environment: [:], home: "/nonexistent") }
            #expect(!error.description.contains(Self.secret))
            #expect(error.description.contains("a password in the URL is not accepted; set PGPASSWORD or use ~/.pgpass"), "\(error)")
        }
    }

    @Test func theCommandLineNeverEchoesAPasswordGivenInTheURL() throws {
        let dir = try TemporaryDirectory()
        for command in [["init"], ["sql", "SELECT 1"], ["invoice", "--period", "2026-10"]] {
            let result = try CLI.run(command + ["--db", "postgres://ann:\(Self.secret)@127.0.0.1:1/db"], directory: dir.url)
            #expect(result.status != 0)
            #expect(!(result.stdout + result.stderr).contains(Self.secret), "\(command)")
            #expect(result.stderr.contains("postgres://ann@127.0.0.1:1/db"), "\(command): \(result.stderr)")
        }
        let copy = try CLI.run(["copy", "--from", "w.db", "--to", "postgres://ann:\(Self.secret)@127.0.0.1:1/db"], directory: dir.url)
        #expect(copy.status == 1 && !copy.stderr.contains(Self.secret))
    }

    @Test func aServerThatIsNotThereIsOneStableLine() throws {
        let result = try CLI.run(["sql", "SELECT 1", "--db", "postgres://ann@127.0.0.1:1/db"], environment: ["PGPASSWORD": Self.secret])
        #expect(result.status == 1)
        #expect(result.stderr == "warehouse: postgres://ann@127.0.0.1:1/db: cannot connect: connection refused\n")
    }

    @Test func aBadURLIsOneLineNamingWhatIsWrong() {
        #expect(throws: PostgresError("postgres://a@h:99999/db: the port must be a number from 1 to 65535")) {
            try PostgresURL.parse("postgres://a@h:99999/db", environment: [:], home: "/nonexistent")
        }
        #expect(throws: PostgresError("postgres://a@h/db?sslcert=c: URL parameter 'sslcert' is not supported (only sslmode, sslrootcert, password_env)")) {
            try PostgresURL.parse("postgres://a@h/db?sslcert=c", environment: [:], home: "/nonexistent")
        }
    }

    @Test func thePasswordComesFromPGPASSWORDElseThePasswordFile() throws {
        let dir = try TemporaryDirectory()
        let file = dir.path(".pgpass")
        try "# comment\nother:5432:*:ann:nope\nh:5432:db:ann:from\\:file\n*:*:*:bo:wild\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        #expect(try PostgresURL.parse("postgres://ann@h/db", environment: [:], home: dir.url.path).password == "from:file")
        #expect(try PostgresURL.parse("postgres://bo@x:1/y", environment: ["PGPASSFILE": file], home: "/nonexistent").password == "wild")
        #expect(try PostgresURL.parse("postgres://cy@h/db", environment: [:], home: dir.url.path).password == nil)
        #expect(try PostgresURL.parse("postgres://ann@h/db", environment: ["PGPASSWORD": "env"], home: dir.url.path).password == "env")
        chmod(file, 0o644)
        #expect(throws: PostgresError("\(file): the password file is readable by others (mode 644); chmod 600 it")) {
            try PostgresURL.parse("postgres://ann@h/db", environment: [:], home: dir.url.path)
        }
    }

    @Test func redactionRemovesThePasswordWhereverItIsRepeated() {
        let text = "connection to postgres://ann:\(Self.secret)@h/db failed; password \(Self.secret) rejected"
        let shown = PostgresError.redacting(text, password: Self.secret)
        #expect(shown == "connection to postgres://ann@h/db failed; password *** rejected")
        #expect(PostgresError.redacting("mysql://u:p@h and postgres://v:w@h/x?password=z&a=b", password: nil) == "mysql://u@h and postgres://v@h/x?password=***&a=b")
    }

    /// A server that answers with the password in its message (it repeats a value it was sent):
    /// the error the command prints has it as ***.
    @Test func aServerMessageRepeatingThePasswordIsRedacted() async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let env = cluster.environment.merging(["PGPASSFILE": ""]) { $1 }
        let password = try String(contentsOfFile: cluster.passFile, encoding: .utf8).split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        #expect(password.count == 32)
        let echo = try CLI.run(["sql", "SELECT CAST(:p AS boolean)", "-p", "p", password, "--db", cluster.url], environment: env.merging(["PGPASSWORD": password]) { $1 })
        #expect(echo.status == 1)
        #expect(echo.stderr.contains("invalid input syntax for type boolean: \"***\""), "\(echo.stderr)")
        #expect(!echo.stderr.contains(password))
        let wrong = try CLI.run(["sql", "SELECT 1", "--db", cluster.url], environment: env.merging(["PGPASSWORD": "not-it"]) { $1 })
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("warehouse: \(cluster.url): cannot connect: password authentication failed for user \"postgres\""), "\(wrong.stderr)")
    }

    // MARK: sslmode, sslrootcert, password_env

    /// A readable root certificate file's path (parsing only checks that it can be read).
    static func rootFile(_ dir: TemporaryDirectory, _ name: String = "root.crt", text: String = "-----BEGIN CERTIFICATE-----\n") throws -> String {
        let path = dir.path(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The mode from the URL, else PGSSLMODE, else libpq's default `prefer`; the redacted URL
    /// names any other mode, the root certificate file is kept, and verify-* insist on one.
    @Test(arguments: [
        ("", [String: String](), PostgresSSLMode.prefer, ""),
        ("?sslmode=disable", [:], .disable, "?sslmode=disable"),
        ("?sslmode=allow", [:], .allow, "?sslmode=allow"),
        ("?sslmode=prefer", ["PGSSLMODE": "disable"], .prefer, ""),
        ("?sslmode=require", [:], .require, "?sslmode=require"),
        ("?sslmode=verify-ca&sslrootcert={root}", [:], .verifyCA, "?sslmode=verify-ca"),
        ("?sslmode=verify-full", ["PGSSLROOTCERT": "{root}"], .verifyFull, "?sslmode=verify-full"),
        ("", ["PGSSLMODE": "verify-full", "PGSSLROOTCERT": "{root}"], .verifyFull, "?sslmode=verify-full"),
        ("?sslrootcert={root}", ["PGSSLROOTCERT": "/nonexistent/other.crt"], .prefer, ""),
    ])
    func sslModeAndRootCertificate(query: String, environment: [String: String], mode: PostgresSSLMode, shown: String) throws {
        let dir = try TemporaryDirectory()
        let root = try Self.rootFile(dir)
        let env = environment.mapValues { $0.replacingOccurrences(of: "{root}", with: root) }
        let url = try PostgresURL.parse("postgres://a@h/db" + query.replacingOccurrences(of: "{root}", with: root), environment: env, home: "/nonexistent")
        #expect(url.sslMode == mode)
        #expect(url.redacted == "postgres://a@h:5432/db" + shown)
        let named = (query + environment.values.joined()).contains("{root}")
        #expect(url.sslRootCert == (named ? root : nil))
    }

    /// libpq's own default root certificate file, `~/.postgresql/root.crt`, when it is there.
    @Test func theDefaultRootCertificateIsTheOneInHome() throws {
        let dir = try TemporaryDirectory()
        let root = try Self.rootFile(dir, ".postgresql/root.crt")
        #expect(try PostgresURL.parse("postgres://a@h/db?sslmode=verify-full", environment: [:], home: dir.url.path).sslRootCert == root)
        #expect(try PostgresURL.parse("postgres://a@h/db?sslmode=disable", environment: [:], home: dir.url.path).sslRootCert == nil)
    }

    @Test(arguments: [
        ("?sslmode=bogus", [String: String](), "postgres://a@h/db?sslmode=bogus: sslmode 'bogus' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
        ("", ["PGSSLMODE": "on"], "postgres://a@h/db: PGSSLMODE 'on' is not one of disable, allow, prefer, require, verify-ca, verify-full"),
        ("?sslmode=verify-ca&sslrootcert=/nonexistent/ca.crt", [:], "/nonexistent/ca.crt: cannot read the root certificate file (sslrootcert)"),
        ("?sslmode=require", ["PGSSLROOTCERT": "/nonexistent/ca.crt"], "/nonexistent/ca.crt: cannot read the root certificate file (sslrootcert)"),
        ("?sslmode=verify-full", [:], "postgres://a@h/db?sslmode=verify-full: sslmode=verify-full needs a root certificate: set sslrootcert or PGSSLROOTCERT, or put it in /nonexistent/.postgresql/root.crt"),
        ("?sslmode=require&sslmode=disable", [:], "postgres://a@h/db?sslmode=require&sslmode=disable: URL parameter 'sslmode' is given twice"),
        ("?sslrootcert=", [:], "postgres://a@h/db?sslrootcert=: URL parameter 'sslrootcert' has no value"),
        ("?password_env=$(id)", [:], "postgres://a@h/db?password_env=$(id): password_env must name an environment variable (letters, digits, _)"),
        ("?password_env=PW", ["PGPASSWORD": "other"], "postgres://a@h/db?password_env=PW: password_env names PW, which is not set or empty"),
    ])
    func aBadTLSOrPasswordParameterIsOneLineNamingIt(query: String, environment: [String: String], message: String) {
        #expect(throws: PostgresError(message)) {
            try PostgresURL.parse("postgres://a@h/db" + query, environment: environment, home: "/nonexistent")
        }
    }

    /// A root certificate file that is readable but holds no certificate: refused before any
    /// connection is tried (port 1 has nothing listening, which would be a different error).
    @Test func aRootCertificateFileWithoutACertificateIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let root = try Self.rootFile(dir, text: "not a certificate\n")
        let url = try PostgresURL.parse("postgres://a@127.0.0.1:1/db?sslmode=verify-ca&sslrootcert=\(root)", environment: [:], home: "/nonexistent")
        await #expect(throws: PostgresError("\(root): not a PEM certificate file (sslrootcert)")) { try await PostgresSession.with(url) { _ in } }
    }

    /// password_env's variable, else PGPASSWORD, else the pass file; the name stays in the
    /// redacted URL, the value nowhere.
    @Test(arguments: [
        (true, ["PW": "named", "PGPASSWORD": "env"], "named"),
        (true, ["PW": "named"], "named"),
        (false, ["PW": "named", "PGPASSWORD": "env"], "env"),
        (false, ["PW": "named"], "file"),
    ])
    func passwordEnvComesFirst(named: Bool, environment: [String: String], password: String) throws {
        let dir = try TemporaryDirectory()
        let file = dir.path("pgpass")
        try "h:5432:db:ann:file\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        let text = "postgres://ann@h/db" + (named ? "?password_env=PW" : "")
        let url = try PostgresURL.parse(text, environment: environment.merging(["PGPASSFILE": file]) { $1 }, home: "/nonexistent")
        #expect(url.password == password)
        #expect(url.redacted == "postgres://ann@h:5432/db" + (named ? "?password_env=PW" : ""))
        #expect(!url.redacted.contains(password) && !"\(url)".contains(password))
    }
}
