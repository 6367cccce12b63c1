import Config
import Foundation
import Testing
import WarehouseCore

/// The `alerts:` section: the README's example reads as documented, defaults hold when it is
/// absent, and every mistake is an error naming its key.
@Suite struct AlertsConfigurationTests {
    static let example = """
        currency: EUR
        alerts:
          source: agol-prod
          cooldown_hours: 72
          admins: [GIS-Admins@Example.org, finance@example.org]
          user_budget: {below_percent: [50, 10, 25]}
          user_spend: {days: 14, over_credits: "12.5"}
          storage: {over_credits: 100}
          cost_centers:
            budgets: {Planning: "1200.00", GIS: 800}
            projection: false
          org_credits: {floor: "5000"}
          anomaly: {deviation: "4.5", min_amount: "25", groups: [subscription, user], days: 2}
          mail:
            url: smtps://mail.example.org:465
            from: warehouse@example.org
            username_env: WAREHOUSE_SMTP_USER
            password_env: WAREHOUSE_SMTP_PASSWORD
            tls: try
            timeout_seconds: 20
          arcgis:
            sharing_url: https://myorg.maps.arcgis.com/sharing/rest
            username_env: ARCGIS_ADMIN_USER
            password_env: ARCGIS_ADMIN_PASSWORD
        """

    @Test func readsTheDocumentedExample() throws {
        let alerts = try WarehouseConfig.parse(yaml: Self.example, file: "w.yaml").alerts
        #expect(alerts.source == "agol-prod")
        #expect(alerts.cooldown == 72 * 3600)
        #expect(alerts.admins == ["gis-admins@example.org", "finance@example.org"])
        #expect(alerts.budgetPercents == [10, 25, 50])
        #expect(alerts.spendDays == 14)
        #expect(alerts.spendOver == ExactDecimal.parse("12.5"))
        #expect(alerts.storageOver == 100)
        #expect(alerts.costCenterBudgets == ["Planning": 1200, "GIS": 800])
        #expect(alerts.costCenterProjection == false)
        #expect(alerts.orgFloor == 5000)
        #expect(alerts.anomaly?.deviation == ExactDecimal.parse("4.5") && alerts.anomaly?.minAmount == 25)
        #expect(alerts.anomaly?.groups == ["subscription", "user"] && alerts.anomaly?.days == 2)
        #expect(try WarehouseConfig.parse(yaml: "alerts:\n  anomaly: {}\n", file: "w.yaml").alerts.anomaly?.groups == ["costCenter"])
        #expect(alerts.mail?.url == "smtps://mail.example.org:465")
        #expect(alerts.mail?.usernameEnv == "WAREHOUSE_SMTP_USER")
        #expect(alerts.mail?.tls == .try)
        #expect(alerts.mail?.timeoutSeconds == 20)
        #expect(alerts.arcgis?.passwordEnv == "ARCGIS_ADMIN_PASSWORD")
    }

    @Test func theNightlyRunCanSendAlertsOnlyWithADeliveryConfigured() throws {
        #expect(try WarehouseConfig.parse(yaml: Self.example, file: "w.yaml").canSendAlerts)
        #expect(try !WarehouseConfig.parse(yaml: "alerts:\n  admins: [a@b.org]\n", file: "w.yaml").canSendAlerts)
        let viaSource = try WarehouseConfig.parse(yaml: """
            sources:
              - {name: agol-prod, kind: arcgis, url: "https://example.maps.arcgis.com/sharing/rest", username: admin, password_env: AGOL_PW}
            alerts:
              delivery: arcgis
              admin_users: [admin]
            """, file: "w.yaml")
        #expect(viaSource.canSendAlerts)
        #expect(viaSource.alertSource == "agol-prod")
    }

    @Test func withoutTheSectionOnlyTheBudgetRuleIsOn() throws {
        let alerts = try WarehouseConfig.parse(yaml: "currency: USD\n", file: "w.yaml").alerts
        #expect(alerts.budgetPercents == [10, 50])
        #expect(alerts.spendOver == nil && alerts.storageOver == nil && alerts.orgFloor == nil && alerts.anomaly == nil)
        #expect(alerts.costCenterBudgets.isEmpty && alerts.admins.isEmpty && alerts.mail == nil)
    }

    @Test(arguments: [
        ("unknown key", "alerts:\n  cooldown: 3", "alerts.cooldown"),
        ("negative cool-down", "alerts:\n  cooldown_hours: -1", "alerts.cooldown_hours"),
        ("not an address", "alerts:\n  admins: [gis admins]", "alerts.admins"),
        ("percent over 100", "alerts:\n  user_budget: {below_percent: [150]}", "alerts.user_budget.below_percent"),
        ("days zero", "alerts:\n  user_spend: {days: 0}", "alerts.user_spend.days"),
        ("budget not a number", "alerts:\n  cost_centers: {budgets: {Planning: lots}}", "alerts.cost_centers.budgets.Planning"),
        ("http mail", "alerts:\n  mail: {url: 'http://mail', from: a@b.org}", "alerts.mail.url"),
        ("password in the URL", "alerts:\n  mail: {url: 'smtp://u:p@mail', from: a@b.org}", "alerts.mail.url"),
        ("no from", "alerts:\n  mail: {url: 'smtp://mail'}", "alerts.mail"),
        ("user without password", "alerts:\n  mail: {url: 'smtp://mail', from: a@b.org, username_env: U}", "alerts.mail"),
        ("a secret instead of a name", "alerts:\n  mail: {url: 'smtp://mail', from: a@b.org, username_env: U, password_env: 'hunter2!'}", "alerts.mail.password_env"),
        ("bad tls", "alerts:\n  mail: {url: 'smtp://mail', from: a@b.org, tls: always}", "alerts.mail.tls"),
        ("arcgis over http", "alerts:\n  arcgis: {sharing_url: 'http://example.org', username_env: U, password_env: P}", "alerts.arcgis.sharing_url"),
        ("unknown delivery", "alerts:\n  delivery: pigeon", "alerts.delivery"),
        ("arcgis incomplete", "alerts:\n  arcgis: {sharing_url: 'https://example.org'}", "alerts.arcgis"),
        ("anomaly grouping unknown", "alerts:\n  anomaly: {groups: [planet]}", "alerts.anomaly.groups"),
        ("anomaly deviation zero", "alerts:\n  anomaly: {deviation: 0}", "alerts.anomaly.deviation"),
        ("anomaly negative minimum", "alerts:\n  anomaly: {min_amount: '-3'}", "alerts.anomaly.min_amount"),
        ("anomaly unknown key", "alerts:\n  anomaly: {sigma: 3}", "alerts.anomaly.sigma"),
    ])
    func mistakesNameTheirKey(name: String, yaml: String, key: String) {
        #expect(throws: ConfigError.self, "\(name)") { try WarehouseConfig.parse(yaml: yaml, file: "w.yaml") }
        do {
            _ = try WarehouseConfig.parse(yaml: yaml, file: "w.yaml")
        } catch let error as ConfigError {
            #expect(error.key == key, "\(name): \(error)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }
}
