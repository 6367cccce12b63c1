import Config
import Foundation
import Load
import Pipeline
import WarehouseCore

/// A fresh warehouse with a small ArcGIS Online org in it, built so each rule fires for known
/// users with hand-checkable figures, and a configuration that mails through `smtpURL`.
///
/// At `now` (2026-11-20 12:00 UTC):
/// - ana: 100 assigned, 5 available (5%, under 10%)
/// - ben: 200 assigned, 60 available (30%, under 50%); spent 7.25 + 5.5 = 12.75 credits in the
///   last 7 days (over 10), plus 40 credits 9 days ago (outside the window)
/// - carla: 100 assigned, 80 available (no alert); a disabled user, dev, 100/1 (admins only)
/// - the org: 4321.5 credits left (floor 5000); Planning: 1,500.00 USD this month (budget 1,000)
final class AlertFixture {
    static let now = UTCTime(year: 2026, month: 11, day: 20, hour: 12)
    let directory: URL
    let path: String
    let db: Database
    let userVariable = "WAREHOUSE_TEST_SMTP_USER_\(UInt32.random(in: 0...UInt32.max))"
    let passwordVariable = "WAREHOUSE_TEST_SMTP_PASSWORD_\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appending(path: "w.db").path
        db = try Database.openWarehouse(path: path)
        let day = Self.now.day
        for (user, email, disabled, assigned, available) in [
            ("ana", "Ana@Example.org", 0, "100", "5"), ("ben", "ben@example.org", 0, "200", "60"),
            ("carla", "carla@example.org", 0, "100", "80"), ("dev", "dev@example.org", 1, "100", "1"),
        ] {
            // A full name beyond ASCII, to see the UTF-8 bodies survive the trip.
            let fullName = user == "ana" ? "Ána Ærø" : user.capitalized + " Test"
            try db.run("INSERT INTO users (source, user_name, full_name, email, disabled) VALUES ('arcgis', ?, ?, ?, ?)", user, fullName, email, disabled)
            // An older snapshot that must be ignored (the latest one counts).
            try db.run("INSERT INTO credit_budgets (source, user_name, snapshot_date, assigned_credits, available_credits) VALUES ('arcgis', ?, '2026-11-01', '100', '100')", user)
            try db.run("INSERT INTO credit_budgets (source, user_name, snapshot_date, assigned_credits, available_credits) VALUES ('arcgis', ?, ?, ?, ?)", user, day, assigned, available)
        }
        func usage(_ user: String, _ start: UTCTime, _ credits: String, meter: String = "svcusg.geoenrich") throws {
            try db.run(
                "INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, user_name) VALUES ('arcgis', 'org1', '', ?, ?, ?, ?, 'credits', ?)",
                meter, start.iso8601, start.adding(days: 1).iso8601, credits, user)
        }
        try usage("ben", Self.now.adding(days: -2).startOfDay, "7.25")
        try usage("ben", Self.now.adding(days: -1).startOfDay, "5.5", meter: "geocodecnt.geocode")
        try usage("ben", Self.now.adding(days: -9).startOfDay, "40")
        try usage("carla", Self.now.adding(days: -1).startOfDay, "9.999")
        try db.run("INSERT INTO org_credits (source, org_id, snapshot_date, available_credits, budgeting_enabled) VALUES ('arcgis', 'org1', '2026-11-19', '9000', 1)")
        try db.run("INSERT INTO org_credits (source, org_id, snapshot_date, available_credits, budgeting_enabled) VALUES ('arcgis', 'org1', ?, '4321.5', 1)", day)
        try db.run("INSERT INTO cost_centers (cost_center_key, display_name) VALUES ('planning', 'Planning')")
        for (index, micros) in [Int64(1_000_000_000), 500_000_000].enumerated() {
            try usage("carla", Self.now.startOfMonth.adding(days: index), "1", meter: "svcusg.spanalysis")
            try db.run(
                "INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency, cost_center) VALUES (?, '2026-11', 'planning', ?, 'USD', 'Planning')",
                try db.scalar("SELECT max(usage_id) FROM usage_facts")?.int64, micros)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The configuration text, mailing through `smtpURL` with AUTH from the fixture's variables.
    func yaml(smtpURL: String, cooldownHours: Int = 24, auth: Bool = true, tls: String = "none", caBundle: String? = nil) -> String {
        """
        currency: USD
        alerts:
          cooldown_hours: \(cooldownHours)
          admins: [gis-admins@example.org]
          user_budget: {below_percent: [10, 50]}
          user_spend: {days: 7, over_credits: "10"}
          cost_centers: {budgets: {Planning: "1000"}}
          org_credits: {floor: "5000"}
          mail:
            url: \(smtpURL)
            from: warehouse@example.org
            tls: \(tls)
        \(caBundle.map { "    ca_bundle: \($0)" } ?? "")
        \(auth ? "    username_env: \(userVariable)\n    password_env: \(passwordVariable)" : "")
        """
    }

    func config(smtpURL: String, cooldownHours: Int = 24, auth: Bool = true, tls: String = "none", caBundle: String? = nil) throws -> WarehouseConfig {
        try WarehouseConfig.parse(yaml: yaml(smtpURL: smtpURL, cooldownHours: cooldownHours, auth: auth, tls: tls, caBundle: caBundle), file: "test.yaml")
    }

    /// The file as bytes (with its WAL), to search for secrets.
    func fileBytes() throws -> Data {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes += wal }
        return bytes
    }
}
