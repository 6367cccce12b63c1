import Foundation
import Load
import Sandbox
import TestSupport
import Testing

/// Issue 17, item 1, end to end: `warehouse etl` against a server that repeats every request
/// (URL, headers, form body) inside each API's own error envelope. No secret and no issued token
/// reaches standard output, standard error (the log), `etl_runs.detail`, or the file and its WAL.
@Suite struct ETLSecretsTests {
    @Test(arguments: [true, false])
    func echoedSecretsReachNeitherTheConsoleNorTheWarehouse(failTokens: Bool) async throws {
        let tag = UUID().uuidString.prefix(8)
        let secret = "ECHO-secret-\(tag)", password = "ECHO-password-\(tag)", issued = "ECHO-issued-\(tag)"
        let server = try await SandboxServer.start(SandboxConfiguration(), routes: [EchoRoutes(failTokens: failTokens, issuedToken: issued)])
        defer { Task { await server.stop() } }
        let dir = try TemporaryDirectory()
        let base = server.baseURL
        let yaml = """
            currency: USD
            pricing:
              credit_price: "0.10"
            sources:
              - {name: echo-csp, kind: partnercenter, url: "\(base)/v1", authority_url: "\(base)", tenant: t.test, client_id: app, client_secret_env: ECHO_SECRET}
              - {name: echo-azure, kind: azure, url: "\(base)", authority_url: "\(base)", tenant: t.test, client_id: app, client_secret_env: ECHO_SECRET, subscriptions: [00000000-0000-4000-8000-000000000001]}
              - {name: echo-agol, kind: arcgis, url: "\(base)/sharing/rest", username: admin, password_env: ECHO_PASSWORD}

            """
        try yaml.write(toFile: dir.path("warehouse.yaml"), atomically: true, encoding: .utf8)
        let db = dir.path("w.db")
        for format in ["text", "json"] {
            let run = try CLI.Running(
                ["etl", "--config", dir.path("warehouse.yaml"), "--db", db, "--now", "2026-11-02T03:00:00Z", "--log-format", format],
                environment: ["ECHO_SECRET": secret, "ECHO_PASSWORD": password])
            let result = await run.result()
            #expect(result.status != 0, "every source fails against the echo server")
            #expect(result.stderr.contains("127.0.0.1"), "the echoed errors were reported: \(result.stderr)")
            for value in [secret, password, issued] {
                #expect(!result.stdout.contains(value), "\(value) on stdout")
                #expect(!result.stderr.contains(value), "\(value) on stderr: \(result.stderr)")
            }
        }
        let reader = try Database(path: db, mode: .readOnly)
        let details = try reader.rows("SELECT coalesce(detail, '') FROM etl_runs").compactMap { $0.first?.string }.joined(separator: "\n")
        #expect(!details.isEmpty)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: db + "-wal")) { bytes += wal }
        for value in [secret, password, issued] {
            #expect(!details.contains(value), "\(value) in etl_runs.detail: \(details)")
            #expect(bytes.range(of: Data(value.utf8)) == nil, "\(value) in the warehouse file")
        }
    }
}
