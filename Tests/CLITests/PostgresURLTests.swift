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
        #expect(v6.host == "::1" && v6.port == 5432 && v6.redacted == "postgres://bo@[::1]:5432/w")
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
        #expect(throws: PostgresError("postgres://a@h/db?sslmode=require: URL parameter 'sslmode' is not supported (only sslmode=disable)")) {
            try PostgresURL.parse("postgres://a@h/db?sslmode=require", environment: [:], home: "/nonexistent")
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
}
