import Alerts
import Config
import Extract
import Foundation
import Load
import Pipeline
import Sandbox
import Testing
import WarehouseCore

/// `delivery: arcgis`: alerts through ArcGIS Online's own notification endpoint
/// (`portals/self/createNotification`), against the sandbox over real HTTP, with the same
/// no-spam ledger as mail.
struct ArcGISNotificationTests {
    static let now = UTCTime(year: 2026, month: 11, day: 20, hour: 12)

    func config(_ harness: ArcGISHarness, admins: [String]) throws -> WarehouseConfig {
        try WarehouseConfig.parse(yaml: """
            alerts:
              delivery: arcgis
              admin_users: [\(admins.joined(separator: ", "))]
              arcgis:
                sharing_url: \(harness.sharingURL)
                username_env: TEST_ARCGIS_USER
                password_env: TEST_ARCGIS_PASSWORD
            """, file: "t.yaml")
    }

    @Test func alertsGoThroughArcGISOnlineNotificationsOncePerState() async throws {
        let harness = try await ArcGISHarness(SandboxConfiguration(seed: 14), users: 6)
        let server = harness.server
        defer { Task { await server.stop() } }
        let user = harness.organization.users[2].username
        try harness.db.run("INSERT INTO users (source, user_name, email) VALUES ('arcgis', ?, 'someone@sandbox.example')", user)
        try harness.db.run(
            "INSERT INTO credit_budgets (source, user_name, snapshot_date, assigned_credits, available_credits) VALUES ('arcgis', ?, '2026-11-20', '100', '3')", user)
        let config = try config(harness, admins: [ArcGISOrganization.adminUsername])
        let environment = ["TEST_ARCGIS_USER": ArcGISOrganization.adminUsername, "TEST_ARCGIS_PASSWORD": ArcGISOrganization.adminPassword]
        #expect(try AlertRun.configuredTransport(config: config, environment: environment) is ArcGISNotifier)

        let run = AlertRun(db: harness.db, config: config, environment: environment, transport: ArcGISNotifier(client: harness.client()))
        let first = try await run.run(notify: true, now: Self.now)
        #expect(first.exitCode == 0)
        let outbox = server.state.arcgisNotifications
        #expect(outbox.map(\.users) == [[user.lowercased()], [ArcGISOrganization.adminUsername]])
        #expect(outbox.allSatisfy { $0.channel == "email" })
        #expect(outbox.first?.message.contains("\(user) has 3 of 100 credits left (3%), under 10%.") == true)
        #expect(outbox.last?.subject.contains("Alerts digest: 1 alert") == true)
        let channels = try harness.db.rows("SELECT DISTINCT channel, status FROM alert_deliveries").map { "\($0[0]) \($0[1])" }
        #expect(channels == ["arcgis sent"])

        let second = try await run.run(notify: true, now: Self.now.adding(seconds: 3600))
        #expect(second.deliveries.isEmpty)
        #expect(server.state.arcgisNotifications.count == 2)
    }

    @Test func anUnknownAdminUserIsAFailedSendToRetry() async throws {
        let harness = try await ArcGISHarness(SandboxConfiguration(seed: 15), users: 4)
        let server = harness.server
        defer { Task { await server.stop() } }
        try harness.db.run("INSERT INTO org_credits (source, org_id, snapshot_date, available_credits, budgeting_enabled) VALUES ('arcgis', 'o', '2026-11-20', '10', 1)")
        var config = try config(harness, admins: ["no.such.admin"])
        config.alerts.orgFloor = 100
        let report = try await AlertRun(db: harness.db, config: config, transport: ArcGISNotifier(client: harness.client())).run(notify: true, now: Self.now)
        #expect(report.exitCode == 3)
        #expect(report.deliveries.first?.error?.contains("Unable to create notification") == true)
        #expect(server.state.arcgisNotifications.isEmpty)
        #expect(try harness.db.scalar("SELECT status FROM alert_deliveries")?.string == "failed")
    }
}
