import Foundation
import Load
import TestSupport
import Testing

/// `warehouse alerts` as a user runs it: what it prints, its exit codes, and that the SMTP
/// password it is given never shows.
struct AlertsCommandTests {
    static let password = "cli-smtp-SECRET-FROBOZZ-2026"

    /// A warehouse with one user under 10% of their budget, and a configuration mailing `smtp`.
    func setUp(_ dir: TemporaryDirectory, smtp: String, extra: String = "") throws -> (db: String, config: String) {
        let db = dir.path("w.db")
        let database = try Database.openWarehouse(path: db)
        try database.run("INSERT INTO users (source, user_name, email) VALUES ('arcgis', 'ana', 'ana@example.org')")
        try database.run("INSERT INTO credit_budgets (source, user_name, snapshot_date, assigned_credits, available_credits) VALUES ('arcgis', 'ana', '2026-11-20', '300', '12')")
        let config = dir.path("warehouse.yaml")
        try """
            alerts:
              admins: [admins@example.org]
            \(extra)
              mail:
                url: \(smtp)
                from: warehouse@example.org
                tls: none
                username_env: CLI_TEST_SMTP_USER
                password_env: CLI_TEST_SMTP_PASSWORD
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return (db, config)
    }

    @Test func previewListsTheAlertAndTheMessagesDueWithoutSending() throws {
        let dir = try TemporaryDirectory()
        let (db, config) = try setUp(dir, smtp: "smtp://127.0.0.1:1")
        let result = try CLI.run(["alerts", "--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("ana has 12 of 300 credits left (4%), under 10%."))
        #expect(result.stdout.contains("due     ana@example.org"))
        #expect(result.stdout.contains("due     admins@example.org"))
        #expect(result.stdout.contains("Nothing sent: add --notify to send."))
        let dry = try CLI.run(["alerts", "--notify", "--dry-run", "--db", db, "--config", config, "--now", "2026-11-20T12:00:00Z"])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("    Hello ana,"))
    }

    @Test func failedSendsExitWith3AndNeverPrintThePassword() throws {
        let dir = try TemporaryDirectory()
        // Nothing listens on port 1: every send fails to connect.
        let (db, config) = try setUp(dir, smtp: "smtp://127.0.0.1:1")
        let env = ["CLI_TEST_SMTP_USER": "alerts", "CLI_TEST_SMTP_PASSWORD": Self.password]
        let result = try CLI.run(["alerts", "--notify", "--db", db, "--config", config], environment: env)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("failed  ana@example.org"))
        #expect(result.stdout.contains("2 messages failed; the next run retries."))
        #expect(!(result.stdout + result.stderr).contains(Self.password))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: db + "-wal")) { bytes += wal }
        #expect(bytes.range(of: Data(Self.password.utf8)) == nil)
        let failed = try Database.openWarehouse(path: db).scalar("SELECT count(*) FROM alert_deliveries WHERE status = 'failed'")?.int64
        #expect(failed == 2)
    }

    @Test func sendingWaitsForTheRunLockAndGivesUpWith4() throws {
        let dir = try TemporaryDirectory()
        let (db, config) = try setUp(dir, smtp: "smtp://127.0.0.1:1")
        try ("lock_wait_seconds: 0\n" + String(contentsOfFile: config, encoding: .utf8)).write(toFile: config, atomically: true, encoding: .utf8)
        let lock = try RunLock(databasePath: db, wait: .zero)
        let env = ["CLI_TEST_SMTP_USER": "alerts", "CLI_TEST_SMTP_PASSWORD": Self.password]
        let result = try CLI.run(["alerts", "--notify", "--db", db, "--config", config], environment: env)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(try Database.openWarehouse(path: db).scalar("SELECT count(*) FROM alert_deliveries")?.int64 == 0)
        withExtendedLifetime(lock) {}
    }

    @Test(arguments: [
        ("missing password variable", "", "alerts.mail.username_env: CLI_TEST_SMTP_USER is not set in the environment"),
        ("unknown key", "  weekly: true", "alerts.weekly: unknown key"),
        ("bad threshold", "  user_budget: {below_percent: [0]}", "alerts.user_budget.below_percent"),
    ])
    func configurationErrorsExitWith2NamingTheKey(name: String, extra: String, message: String) throws {
        let dir = try TemporaryDirectory()
        let (db, config) = try setUp(dir, smtp: "smtp://127.0.0.1:1", extra: extra)
        let result = try CLI.run(["alerts", "--notify", "--db", db, "--config", config])
        #expect(result.status == 2, "\(name): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
    }
}
