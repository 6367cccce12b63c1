import Foundation
import Load
import Postgres
import TestSupport
import Testing

/// TLS to a real server (issue 16), each `sslmode` as libpq means it
/// (https://www.postgresql.org/docs/15/libpq-ssl.html, "SSL Mode Descriptions"). The suite's
/// cluster runs with ssl=on and a CA of its own whose certificate names `localhost` only
/// (`scripts/pg-cluster.sh start DIR ssl`); whether a connection is on TLS is asked of the server
/// itself, in pg_stat_ssl (https://www.postgresql.org/docs/15/monitoring-stats.html#MONITORING-PG-STAT-SSL-VIEW).
@Suite(.postgresClusterWithTLS, .serialized)
struct PostgresTLSTests {
    static let sslInUse = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"

    /// The cluster's password, read from its pass file: the tests look for it in every error.
    static func password(_ cluster: PostgresCluster) throws -> String {
        let line = try String(contentsOfFile: cluster.passFile, encoding: .utf8).split(separator: "\n").first ?? ""
        return String(line.split(separator: ":").last ?? "")
    }

    /// `{ca}` and `{other}` in a query table stand for the cluster's CA and a CA that signed nothing.
    static func query(_ template: String, _ cluster: PostgresCluster) -> String {
        template.replacingOccurrences(of: "{ca}", with: cluster.caFile).replacingOccurrences(of: "{other}", with: cluster.otherCAFile)
    }

    /// Connects to `text` with the cluster's password in PGPASSWORD (and no pass file, and no
    /// PGSSLMODE of the machine's); whether the server says the connection is on TLS.
    static func connectsWithSSL(_ text: String, _ cluster: PostgresCluster) async throws -> Bool {
        let url = try PostgresURL.parse(text, environment: ["PGPASSWORD": try password(cluster)], home: "/nonexistent")
        return try await PostgresSession.with(url) { try await $0.scalar(sslInUse) } == .integer(1)
    }

    /// The one-line error connecting to `text` fails with.
    static func connectionError(_ text: String, _ cluster: PostgresCluster) async throws -> String {
        let url = try PostgresURL.parse(text, environment: ["PGPASSWORD": try password(cluster)], home: "/nonexistent")
        return try await #require(throws: PostgresError.self) { try await PostgresSession.with(url) { _ in } }.description
    }

    @Test(arguments: [
        ("sslmode=disable", "127.0.0.1", false),
        // allow: plaintext first, and this server takes it.
        ("sslmode=allow", "127.0.0.1", false),
        ("", "127.0.0.1", true),
        ("sslmode=prefer", "127.0.0.1", true),
        // require checks no certificate: the one naming localhost does for 127.0.0.1.
        ("sslmode=require", "127.0.0.1", true),
        ("sslmode=verify-ca&sslrootcert={ca}", "127.0.0.1", true),
        ("sslmode=verify-full&sslrootcert={ca}", "localhost", true),
        // libpq checks the chain whenever it has a root certificate; with the right one, require passes.
        ("sslmode=require&sslrootcert={ca}", "127.0.0.1", true),
    ])
    func eachModeConnectsAsLibpqWould(query: String, host: String, ssl: Bool) async throws {
        let cluster = try #require(PostgresCluster.current)
        let text = cluster.url(host: host, query: Self.query(query, cluster))
        #expect(try await Self.connectsWithSSL(text, cluster) == ssl, "\(text)")
    }

    @Test(arguments: [
        ("sslmode=verify-full&sslrootcert={other}", "localhost", "the server's certificate does not verify against {other} (sslmode=verify-full)"),
        ("sslmode=verify-ca&sslrootcert={other}", "127.0.0.1", "the server's certificate does not verify against {other} (sslmode=verify-ca)"),
        ("sslmode=require&sslrootcert={other}", "127.0.0.1", "the server's certificate does not verify against {other} (sslmode=require)"),
        // The right CA, but the certificate names localhost, not the address.
        ("sslmode=verify-full&sslrootcert={ca}", "127.0.0.1", "the server's certificate does not name 127.0.0.1 (sslmode=verify-full)"),
    ])
    func aCertificateThatDoesNotVerifyIsOneLineWithoutThePassword(query: String, host: String, reason: String) async throws {
        let cluster = try #require(PostgresCluster.current)
        let text = cluster.url(host: host, query: Self.query(query, cluster))
        let message = try await Self.connectionError(text, cluster)
        let shown = try PostgresURL.parse(text, environment: [:], home: "/nonexistent").redacted
        #expect(message == "\(shown): cannot connect: \(Self.query(reason, cluster))")
        let password = try Self.password(cluster)
        #expect(!message.contains(password) && !message.contains("\n"))
    }

    /// The command line end to end: `init` over TLS prints the URL with its sslmode, `sql` reads
    /// pg_stat_ssl through the same URL, and a wrong CA is one line on stderr, exit 1.
    @Test func initAndSQLOverTLSThroughTheCommandLine() async throws {
        let cluster = try #require(PostgresCluster.current)
        _ = try await cluster.database("tlsinit")
        let text = cluster.url(database: "tlsinit", query: "sslmode=require")
        let initialized = try CLI.run(["init", "--db", text], environment: cluster.environment)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout == "\(text): schema version \(PostgresSchema.version)\n")
        let asked = try CLI.run(["sql", Self.sslInUse, "--format", "csv", "--db", text], environment: cluster.environment)
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.split(whereSeparator: \.isNewline).map(String.init) == ["ssl", "1"], "\(asked.stdout)")
        let wrong = cluster.url(host: "localhost", query: "sslmode=verify-full&sslrootcert=\(cluster.otherCAFile)")
        let refused = try CLI.run(["sql", "SELECT 1", "--db", wrong], environment: cluster.environment)
        #expect(refused.status == 1)
        let shown = cluster.url(host: "localhost", query: "sslmode=verify-full")
        #expect(refused.stderr == "warehouse: \(shown): cannot connect: the server's certificate does not verify against \(cluster.otherCAFile) (sslmode=verify-full)\n")
        let password = try Self.password(cluster)
        #expect(!refused.stderr.contains(password))
    }

    /// `password_env` through the command line: the password from the variable it names, with no
    /// pass file and no PGPASSWORD; the URL printed keeps the name, never the value.
    @Test func thePasswordFromTheVariablePasswordEnvNames() async throws {
        let cluster = try #require(PostgresCluster.current)
        let password = try Self.password(cluster)
        let text = cluster.url(query: "sslmode=require&password_env=WAREHOUSE_TEST_PG_PASSWORD")
        let env = ["PGPASSFILE": "/nonexistent", "PGPASSWORD": "", "WAREHOUSE_TEST_PG_PASSWORD": password]
        let asked = try CLI.run(["sql", Self.sslInUse, "--format", "csv", "--db", text], environment: env)
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.split(whereSeparator: \.isNewline).last == "1", "\(asked.stdout)")
        let unset = try CLI.run(["sql", "SELECT 1", "--db", text], environment: env.merging(["WAREHOUSE_TEST_PG_PASSWORD": ""]) { $1 })
        #expect(unset.status == 1)
        #expect(unset.stderr == "warehouse: \(text): password_env names WAREHOUSE_TEST_PG_PASSWORD, which is not set or empty\n")
    }

    /// A `hostssl`-only server (`start DIR ssl-only`): disable is refused by the server itself,
    /// allow retries over TLS as libpq does, require connects.
    @Test func aServerThatTakesOnlyTLS() async throws {
        let cluster = try PostgresCluster.start(tls: "ssl-only")
        defer { cluster.stop() }
        let refused = try await Self.connectionError(cluster.url(query: "sslmode=disable"), cluster)
        #expect(refused.hasPrefix("\(cluster.url(query: "sslmode=disable")): cannot connect: no pg_hba.conf entry for host"), "\(refused)")
        let password = try Self.password(cluster)
        #expect(refused.contains("no encryption") && !refused.contains(password), "\(refused)")
        #expect(try await Self.connectsWithSSL(cluster.url(query: "sslmode=allow"), cluster))
        #expect(try await Self.connectsWithSSL(cluster.url(query: "sslmode=require"), cluster))
    }

    /// A server without TLS: require is refused before any password is sent, prefer and the
    /// default fall back to plaintext, as libpq's do.
    @Test func aServerWithoutTLS() async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let text = cluster.url(query: "sslmode=require")
        let refused = try await Self.connectionError(text, cluster)
        #expect(refused == "\(text): cannot connect: the server does not support SSL, but sslmode=require requires it")
        #expect(try await Self.connectsWithSSL(cluster.url(query: "sslmode=prefer"), cluster) == false)
        #expect(try await Self.connectsWithSSL(cluster.url(), cluster) == false)
    }
}
