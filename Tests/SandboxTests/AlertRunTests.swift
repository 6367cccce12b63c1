import Alerts
import Config
import Extract
import Foundation
import Load
import Pipeline
import Testing
import WarehouseCore

/// Alerts end to end: the rules over a known warehouse, real mail over SMTP (libcurl) to a real
/// server on 127.0.0.1, read back; the no-spam ledger across runs with an injected clock.
struct AlertRunTests {
    static let password = "smtp-SECRET-pa55-QUUX-20261120"

    func run(_ fixture: AlertFixture, _ sink: SMTPSink, at time: UTCTime, cooldownHours: Int = 24) async throws -> AlertReport {
        let environment = [fixture.userVariable: "alerts", fixture.passwordVariable: Self.password]
        return try await AlertRun(db: fixture.db, config: fixture.config(smtpURL: sink.url, cooldownHours: cooldownHours), environment: environment)
            .run(notify: true, now: time)
    }

    @Test func rulesFindTheKnownAlertsWithExactFigures() throws {
        let fixture = try AlertFixture()
        let alerts = try AlertRules(db: fixture.db, config: fixture.config(smtpURL: "smtp://127.0.0.1:1")).evaluate(now: AlertFixture.now)
        #expect(alerts.map(\.key) == [
            "user_budget/arcgis/ana", "user_budget/arcgis/ben", "user_budget/arcgis/dev", "user_spend/arcgis/ben",
            "cost_center/planning/2026-11", "org_credits/arcgis/org1",
        ])
        let byKey = Dictionary(uniqueKeysWithValues: alerts.map { ($0.key, $0) })
        #expect(byKey["user_budget/arcgis/ana"]?.fingerprint == "below 10%")
        #expect(byKey["user_budget/arcgis/ana"]?.email == "ana@example.org")
        #expect(byKey["user_budget/arcgis/ben"]?.summary == "ben has 60 of 200 credits left (30%), under 50%.")
        #expect(byKey["user_budget/arcgis/dev"]?.email == nil)  // disabled: admins only
        #expect(byKey["user_spend/arcgis/ben"]?.summary == "ben spent 12.75 credits in the last 7 days, over 10.")
        #expect(byKey["cost_center/planning/2026-11"]?.summary == "Planning has spent 1500.00 USD in 2026-11, over its budget of 1000.00 USD.")
        #expect(byKey["org_credits/arcgis/org1"]?.figures.first?.value == "4321.5")
    }

    @Test(arguments: ["eve@example.org>\r\nRCPT TO:<boss@example.org", "Eve <eve@example.org>", "eve@example.org, boss@example.org", "eve"])
    func anAddressThatIsNotPlainIsNeverMailed(email: String) throws {
        let fixture = try AlertFixture()
        try fixture.db.run("INSERT INTO users (source, user_name, email) VALUES ('arcgis', 'eve', ?)", email)
        try fixture.db.run("INSERT INTO credit_budgets (source, user_name, snapshot_date, assigned_credits, available_credits) VALUES ('arcgis', 'eve', '2026-11-20', '10', '0')")
        let alerts = try AlertRules(db: fixture.db, config: fixture.config(smtpURL: "smtp://127.0.0.1:1")).evaluate(now: AlertFixture.now)
        let eve = try #require(alerts.first { $0.subject == "eve" })
        #expect(eve.email == nil)  // the admins still hear about it
    }

    @Test func storageAndCostProjectionRules() throws {
        let fixture = try AlertFixture()
        // 100 MiB of features (2.4 credits per 10 MiB: 24) and 2 GiB of attachments (1.2 per GiB: 2.4).
        try fixture.db.run("""
            INSERT INTO storage_snapshots (source, item_id, snapshot_date, owner, storage_class, size_bytes, feature_bytes, attachment_bytes)
            VALUES ('arcgis', 'item1', '2026-11-20', 'carla', 'feature', ?, ?, ?)
            """, 104_857_600 + 2_147_483_648, 104_857_600, 2_147_483_648)
        let yaml = """
            alerts:
              user_budget: {below_percent: [1]}
              storage: {over_credits: "26"}
              cost_centers: {budgets: {planning: "2000"}}
            """
        let alerts = try AlertRules(db: fixture.db, config: WarehouseConfig.parse(yaml: yaml, file: "t.yaml")).evaluate(now: AlertFixture.now)
        #expect(alerts.map(\.key) == ["storage/arcgis/carla", "cost_center/planning/2026-11"])
        #expect(alerts.first?.summary == "carla's items use 26.4 storage credits a month (2026-11), over 26.")
        #expect(alerts.first?.email == "carla@example.org")
        // 1,500.00 in 19.5 of November's 30 days: 1500 × 30 / 19.5 = 2307.69 by the month's end.
        #expect(alerts.last?.fingerprint == "projected over budget")
        #expect(alerts.last?.figures.map(\.value) == ["1500.00 USD", "2307.69 USD", "2000.00 USD"])
    }

    @Test func usersGetTheirOwnFiguresAdminsADigestAndNothingTwice() async throws {
        let fixture = try AlertFixture()
        let sink = try SMTPSink(user: "alerts", password: Self.password)

        let first = try await run(fixture, sink, at: AlertFixture.now)
        #expect(first.exitCode == 0)
        #expect(first.sent == 3)
        var mail = try sink.messages()
        #expect(mail.map { $0.rcpt_tos } == [["ana@example.org"], ["ben@example.org"], ["gis-admins@example.org"]])
        #expect(mail.allSatisfy { $0.mail_from == "warehouse@example.org" && $0.authenticated && $0.content_type == "multipart/alternative" })
        let ana = try #require(mail.first)
        #expect(ana.text?.contains("ana has 5 of 100 credits left (5%), under 10%.") == true)
        #expect(ana.html?.contains("<strong>ana has 5 of 100 credits left (5%), under 10%.</strong>") == true)
        #expect(ana.text?.hasPrefix("Hello Ána Ærø,") == true)
        #expect(ana.html?.contains("Hello Ána Ærø,") == true)
        #expect(ana.text?.contains("ben") == false)  // a user sees only their own figures
        let ben = mail[1]
        #expect(ben.text?.contains("ben spent 12.75 credits in the last 7 days") == true)
        #expect(ben.text?.contains("ben has 60 of 200 credits left (30%)") == true)
        #expect(ben.subject.contains("2 alerts"))
        let digest = mail[2]
        for expected in ["ana has 5 of 100", "dev has 1 of 100", "Planning has spent 1500.00 USD", "org1 has 4321.5 credits left", "ben spent 12.75"] {
            #expect(digest.text?.contains(expected) == true, "digest lacks \(expected)")
        }
        #expect(!mail.contains { $0.rcpt_tos.contains("dev@example.org") || $0.rcpt_tos.contains("carla@example.org") })

        // An hour later, nothing changed: nothing is sent.
        let second = try await run(fixture, sink, at: AlertFixture.now.adding(seconds: 3600))
        #expect(second.deliveries.isEmpty)
        #expect(second.suppressed == 6 + 3)  // six alerts to the admin, three to their users
        #expect(try sink.messages().count == 3)

        // Ben falls under 10%: only that alert goes, to him and to the admins.
        try fixture.db.run("UPDATE credit_budgets SET available_credits = '15' WHERE user_name = 'ben' AND snapshot_date = ?", AlertFixture.now.day)
        let third = try await run(fixture, sink, at: AlertFixture.now.adding(seconds: 7200))
        #expect(third.deliveries.map(\.recipient) == ["ben@example.org", "gis-admins@example.org"])
        #expect(third.deliveries.allSatisfy { $0.alertKeys == ["user_budget/arcgis/ben"] })
        mail = try sink.messages()
        #expect(mail.count == 5)
        #expect(mail[3].text?.contains("ben has 15 of 200 credits left (7.5%), under 10%.") == true)
        #expect(mail[3].text?.contains("spent") == false)

        // After the 24-hour cool-down every alert still in force goes again, except ben's new
        // budget state, sent only 23 hours ago.
        let fourth = try await run(fixture, sink, at: AlertFixture.now.adding(seconds: 25 * 3600))
        #expect(fourth.sent == 3)
        #expect(fourth.deliveries.first { $0.recipient == "ben@example.org" }?.alertKeys == ["user_spend/arcgis/ben"])
        #expect(fourth.deliveries.first { $0.digest }?.alertKeys.count == 5)
        #expect(try sink.messages().count == 8)
        let ledger = try fixture.db.scalar("SELECT count(*) FROM alert_deliveries WHERE status = 'sent'")?.int64
        #expect(ledger == Int64(9 + 2 + 7))
        let runs = try fixture.db.rows("SELECT command, status FROM etl_runs ORDER BY run_id").map { "\($0[0]) \($0[1])" }
        #expect(runs == Array(repeating: "alerts ok", count: 4))
    }

    @Test func aFailedSendIsRetriedByTheNextRunAndShowsInTheExitCode() async throws {
        let fixture = try AlertFixture()
        let sink = try SMTPSink(user: "alerts", password: Self.password)
        try sink.reject(["ben@example.org"])

        let first = try await run(fixture, sink, at: AlertFixture.now)
        #expect(first.exitCode == 3)
        #expect(first.failed == 1)
        let failure = try #require(first.deliveries.first { $0.status == .failed })
        #expect(failure.recipient == "ben@example.org")
        #expect(failure.error?.contains("550") == true || failure.error?.contains("RCPT") == true)
        #expect(try sink.messages().map { $0.rcpt_tos } == [["ana@example.org"], ["gis-admins@example.org"]])
        let status = try fixture.db.scalar("SELECT status FROM etl_runs")?.string
        #expect(status == "partial")

        try sink.reject([])
        let second = try await run(fixture, sink, at: AlertFixture.now.adding(seconds: 600))
        #expect(second.exitCode == 0)
        #expect(second.deliveries.map(\.recipient) == ["ben@example.org"])
        #expect(try sink.messages().map { $0.rcpt_tos } == [["ana@example.org"], ["gis-admins@example.org"], ["ben@example.org"]])
    }

    @Test func theSMTPPasswordNeverReachesTheWarehouseOrTheReport() async throws {
        let fixture = try AlertFixture()
        // A server that wants another password: every send fails at AUTH, and the errors are stored.
        let sink = try SMTPSink(user: "alerts", password: "the-server-expects-this-one")
        let report = try await run(fixture, sink, at: AlertFixture.now)
        #expect(report.exitCode == 3)
        #expect(report.failed == 3)
        #expect(try sink.messages().isEmpty)
        let errors = try fixture.db.rows("SELECT error FROM alert_deliveries").compactMap { $0[0].string }
        #expect(!errors.isEmpty)
        let bytes = try fixture.fileBytes()
        #expect(bytes.range(of: Data(Self.password.utf8)) == nil)
        let text = report.deliveries.map { "\($0.error ?? "") \($0.message.text) \($0.message.html)" }.joined()
        #expect(!text.contains(Self.password))
    }

    @Test func startTLSIsUsedAndRequired() async throws {
        let fixture = try AlertFixture()
        let environment = [fixture.userVariable: "alerts", fixture.passwordVariable: Self.password]
        // A server that requires STARTTLS, its self-signed certificate trusted as the CA bundle.
        let tlsSink = try SMTPSink(user: "alerts", password: Self.password, tls: true)
        let config = try fixture.config(smtpURL: tlsSink.url, tls: "required", caBundle: tlsSink.certificate)
        let report = try await AlertRun(db: fixture.db, config: config, environment: environment).run(notify: true, now: AlertFixture.now)
        #expect(report.exitCode == 0, "\(report.deliveries.compactMap(\.error))")
        let mail = try tlsSink.messages()
        #expect(mail.count == 3)
        #expect(mail.allSatisfy { $0.tls && $0.authenticated })

        // `tls: required` against a server that offers no STARTTLS: nothing is sent, so the
        // password never crosses in clear, and every send is a failure to retry.
        let plain = try AlertFixture()
        let plainSink = try SMTPSink(user: "alerts", password: Self.password)
        let refused = try await AlertRun(
            db: plain.db, config: plain.config(smtpURL: plainSink.url, tls: "required"),
            environment: [plain.userVariable: "alerts", plain.passwordVariable: Self.password]
        ).run(notify: true, now: AlertFixture.now)
        #expect(refused.exitCode == 3)
        #expect(refused.failed == 3)
        #expect(try plainSink.messages().isEmpty)
    }

    @Test func previewSendsAndWritesNothing() async throws {
        let fixture = try AlertFixture()
        let sink = try SMTPSink()
        let report = try await AlertRun(db: fixture.db, config: fixture.config(smtpURL: sink.url, auth: false)).run(notify: false, now: AlertFixture.now)
        #expect(report.deliveries.count == 3)
        #expect(report.deliveries.allSatisfy { $0.status == .planned })
        #expect(try sink.messages().isEmpty)
        #expect(try fixture.db.scalar("SELECT count(*) FROM alert_deliveries")?.int64 == 0)
        #expect(try fixture.db.scalar("SELECT count(*) FROM etl_runs")?.int64 == 0)
    }

    @Test func notifyingWithoutTheSMTPPasswordVariableIsAConfigurationError() async throws {
        let fixture = try AlertFixture()
        let error = await #expect(throws: ConfigError.self) {
            _ = try await AlertRun(db: fixture.db, config: fixture.config(smtpURL: "smtp://127.0.0.1:1"), environment: [:]).run(notify: true, now: AlertFixture.now)
        }
        #expect(error?.key == "alerts.mail.username_env")
        #expect(try fixture.db.scalar("SELECT count(*) FROM etl_runs")?.int64 == 0)
    }
}
