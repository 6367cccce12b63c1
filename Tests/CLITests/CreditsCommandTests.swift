import Config
import Foundation
import Load
import Sandbox
import TestSupport
import Testing

/// `warehouse credits allocate` against the sandbox's ArcGIS Online org (port 0, real HTTP):
/// it lists without --yes, tops up with it (the sandbox's budgets change), and refuses when
/// budgeting is off.
struct CreditsCommandTests {
    func configFile(_ dir: TemporaryDirectory, server: SandboxServer) throws -> String {
        let config = dir.path("warehouse.yaml")
        try """
            alerts:
              arcgis:
                sharing_url: \(server.baseURL)/sharing/rest
                username_env: CLI_TEST_ARCGIS_USER
                password_env: CLI_TEST_ARCGIS_PASSWORD
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    /// Runs the CLI on a Dispatch thread: `CLI.run` blocks until the child exits, and the child
    /// talks to the sandbox served by this process's own concurrency threads, which a blocked
    /// cooperative thread (there are only as many as cores) could starve.
    static func cli(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLI.Result {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try CLI.run(arguments, environment: environment) })
            }
        }
    }

    let environment = [
        "CLI_TEST_ARCGIS_USER": ArcGISOrganization.adminUsername, "CLI_TEST_ARCGIS_PASSWORD": ArcGISOrganization.adminPassword,
        "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1",
    ]

    @Test func listsWithoutYesAndTopsUpWithIt() async throws {
        let routes = ArcGISRoutes(users: 40)
        let server = try await SandboxServer.start(SandboxConfiguration(seed: 12), routes: [routes])
        defer { Task { await server.stop() } }
        let org = routes.organization(for: server.configuration)
        let under = org.users.filter { u in
            guard let assigned = u.assignedCredits, let available = u.availableCredits, assigned > 0 else { return false }
            return available * 100 < assigned * 25
        }
        #expect(!under.isEmpty)
        let dir = try TemporaryDirectory()
        let config = try configFile(dir, server: server)
        let db = dir.path("w.db")

        let preview = try await Self.cli(["credits", "allocate", "--below", "25", "--amount", "150", "--db", db, "--config", config], environment: environment)
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("\(under.count) user\(under.count == 1 ? "" : "s") of \(org.id) under 25%"))
        #expect(preview.stdout.contains("Nothing changed: add --yes to assign these credits."))
        #expect(under.allSatisfy { server.state.arcgisBudget($0)?.assigned == Decimal($0.assignedCredits ?? -1) })

        let applied = try await Self.cli(["credits", "allocate", "--below", "25", "--amount", "150", "--yes", "--db", db, "--config", config], environment: environment)
        #expect(applied.status == 0, "\(applied.stderr)")
        for user in under {
            #expect(applied.stdout.contains(user.username))
            #expect(server.state.arcgisBudget(user) == ArcGISBudget(
                assigned: Decimal((user.assignedCredits ?? 0) + 150), available: Decimal((user.availableCredits ?? 0) + 150)))
        }
        let rows = try Database.openWarehouse(path: db).scalar("SELECT count(*) FROM credit_allocations WHERE result = 'assigned' AND amount = '150'")?.int64
        #expect(rows == Int64(under.count))
        let secrets = [ArcGISOrganization.adminPassword] + server.state.issuedTokens
        let output = preview.stdout + preview.stderr + applied.stdout + applied.stderr
        var bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: db + "-wal")) { bytes += wal }
        for secret in secrets {
            #expect(!output.contains(secret))
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
        }
    }

    @Test func usesTheArcGISSourceAndTheSecretsFileOfTheNightlyRun() async throws {
        let routes = ArcGISRoutes(users: 30)
        let server = try await SandboxServer.start(SandboxConfiguration(seed: 16), routes: [routes])
        defer { Task { await server.stop() } }
        let dir = try TemporaryDirectory()
        let secrets = dir.path("secrets.env")
        try server.warehouseSecretsFile.write(toFile: secrets, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secrets)
        let config = dir.path("warehouse.yaml")
        try server.warehouseYAML(.arcgis, secretsFile: "secrets.env").write(toFile: config, atomically: true, encoding: .utf8)
        let db = dir.path("w.db")
        // No credential in the environment: the secrets file holds the password.
        let result = try await Self.cli(
            ["credits", "allocate", "--below", "30", "--amount", "50", "--yes", "--db", db, "--config", config],
            environment: ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"])
        #expect(result.status == 0, "\(result.stderr)")
        let org = routes.organization(for: server.configuration)
        let under = org.users.filter { u in (u.assignedCredits ?? 0) > 0 && (u.availableCredits ?? 0) * 100 < (u.assignedCredits ?? 0) * 30 }
        #expect(!under.isEmpty)
        #expect(under.allSatisfy { server.state.arcgisBudget($0)?.assigned == Decimal(($0.assignedCredits ?? 0) + 50) })
        // Recorded under the source's own name, as the nightly run loads its facts.
        let sources = try Database.openWarehouse(path: db).rows("SELECT DISTINCT source FROM credit_allocations").compactMap { $0[0].string }
        #expect(sources == ["sandbox-agol"])
        #expect(!(result.stdout + result.stderr).contains(ArcGISOrganization.adminPassword))
    }

    @Test func refusesWhenBudgetingIsOff() async throws {
        let server = try await SandboxServer.start(SandboxConfiguration(seed: 13), routes: [ArcGISRoutes(users: 10, budgeting: false)])
        defer { Task { await server.stop() } }
        let dir = try TemporaryDirectory()
        let result = try await Self.cli(
            ["credits", "allocate", "--below", "50", "--amount", "10", "--yes", "--db", dir.path("w.db"), "--config", try configFile(dir, server: server)],
            environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("credit budgeting is off"))
    }

    @Test func withoutCredentialsItIsAConfigurationError() async throws {
        let dir = try TemporaryDirectory()
        let config = dir.path("warehouse.yaml")
        try "alerts:\n  admins: [a@example.org]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await Self.cli(["credits", "allocate", "--below", "50", "--amount", "10", "--db", dir.path("w.db"), "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.contains("alerts.arcgis: missing"))
    }
}
