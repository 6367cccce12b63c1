import Extract
import Config
import Foundation
import Ingest
import Streams
import Transport
import Load
import WarehouseCore

/// `warehouse credits allocate`: the second seed's last step (`gis.admin.credits.allocate`),
/// made safe. It reads every user's budget *live* (portals/self and the users listing, loaded
/// into the warehouse like the nightly pull, so the figures are today's, not last night's),
/// picks the users under the threshold, and, only when asked to apply, sets each one's
/// allocation to what they had plus `amount` through `assignUserCredits`, 100 users a request.
///
/// Each request's outcome is recorded in `credit_allocations` in one transaction as soon as the
/// service answers, and the run in `etl_runs` (command `allocate`). Because the request carries
/// the absolute new allocation, a retried request cannot top anyone up twice; and because every
/// run starts from the live budgets, a rerun plans from the topped-up figures, never from stale
/// ones. With budgeting off it refuses before sending anything.
public struct CreditAllocation {
    let db: Database
    let config: WarehouseConfig
    let client: ArcGISClient

    public init(db: Database, config: WarehouseConfig, client: ArcGISClient) {
        self.db = db
        self.config = config
        self.client = client
    }

    /// One user to top up, and how it went.
    public struct Line: Sendable, Equatable {
        public enum Result: String, Sendable { case planned, assigned, notAssigned = "not_assigned", failed }
        public var user: String
        public var assignedBefore: Decimal
        public var availableBefore: Decimal
        public var assignedAfter: Decimal
        public var result: Result
        public var message: String?
    }

    public struct Report: Sendable {
        public var orgID = ""
        public var lines: [Line] = []
        public var runID: Int64?
        public var applied: Bool { runID != nil }
        public var assigned: Int { lines.count { $0.result == .assigned } }
        /// 0 all assigned (or nothing to do), 3 some users were not assigned.
        public var exitCode: Int32 { lines.contains { $0.result == .notAssigned || $0.result == .failed } ? 3 : 0 }
    }

    /// Credit budgeting is off: there is nothing to allocate, and AGOL would refuse anyway.
    public struct BudgetingOff: Error, CustomStringConvertible {
        public let orgID: String
        public var description: String { "credit budgeting is off for the ArcGIS Online organization \(orgID); nothing was allocated (turn it on under Organization > Settings > Credits first)" }
    }

    /// The ArcGIS client `alerts.arcgis` describes, else the one of the ArcGIS Online entry of
    /// `sources:` (the nightly run's own sign-in), its secrets read now from the environment or
    /// the `secrets_file`. A missing section or secret is a `ConfigError` naming it.
    public static func client(config: WarehouseConfig, environment: [String: String], http: HTTPClient = HTTPClient()) throws -> ArcGISClient {
        let secrets = try config.secretStore(environment: environment)
        if let arcgis = config.alerts.arcgis {
            let username = try secrets.value(arcgis.usernameEnv, key: "alerts.arcgis.username_env")
            let password = try secrets.value(arcgis.passwordEnv, key: "alerts.arcgis.password_env")
            return ArcGISClient(
                sharingURL: arcgis.sharingURL, credentials: .password(username: username, password: password, referer: arcgis.referer), http: http)
        }
        let candidates = config.sources.filter { $0.kind == .arcgis }
        guard let source = candidates.first(where: { $0.name == config.alertSource }) ?? (candidates.count == 1 ? candidates.first : nil),
            let url = source.url
        else {
            throw ConfigError(
                file: config.path ?? WarehouseConfig.defaultFileName, key: "alerts.arcgis",
                message: "missing: credits allocate and delivery: arcgis need sharing_url, username_env and password_env (or one arcgis entry in sources:)")
        }
        guard case .arcgis(let credentials) = try SourceCredentials(source: source, secrets: secrets) else {
            throw ConfigError(file: config.path ?? WarehouseConfig.defaultFileName, key: "sources[\(source.name)]", message: "no ArcGIS Online sign-in")
        }
        return ArcGISClient(sharingURL: url, credentials: credentials, http: http)
    }

    /// Refreshes the budgets, plans the top-ups of users whose available credits are under
    /// `percent` of assigned, and with `apply` sends them.
    public func run(below percent: Decimal, amount: Decimal, apply: Bool, now: UTCTime = .now()) async throws -> Report {
        var report = Report()
        report.orgID = try await refresh(asOf: now)
        let budgeting = try db.scalar(
            "SELECT budgeting_enabled FROM org_credits WHERE source = ? AND org_id = ? ORDER BY snapshot_date DESC LIMIT 1",
            config.alertSource, report.orgID)?.int64
        guard budgeting == 1 else { throw BudgetingOff(orgID: report.orgID) }
        report.lines = try candidates(below: percent, amount: amount)
        guard apply, !report.lines.isEmpty else { return report }
        let log = try RunLog.start(db, command: "allocate", at: now)
        report.runID = log.runID
        for start in stride(from: 0, to: report.lines.count, by: ArcGISClient.maxCreditAssignments) {
            let range = start..<min(start + ArcGISClient.maxCreditAssignments, report.lines.count)
            let batch = report.lines[range].map { CreditAssignment(username: $0.user, credits: $0.assignedAfter) }
            var notAssigned: Set<String> = [], failure: String?
            do {
                notAssigned = Set(try await client.assignUserCredits(orgID: report.orgID, batch).map { $0.lowercased() })
            } catch {
                failure = Redaction.redactText("\(error)")
            }
            for i in range {
                if let failure {
                    report.lines[i].result = .failed
                    report.lines[i].message = failure
                } else {
                    report.lines[i].result = notAssigned.contains(report.lines[i].user.lowercased()) ? .notAssigned : .assigned
                }
            }
            try record(report.lines[range], runID: log.runID, amount: amount, at: now)
        }
        try log.finish(
            status: report.exitCode == 0 ? "ok" : (report.assigned > 0 ? "partial" : "failed"), records: report.assigned,
            detail: [RunLog.member("org", report.orgID), RunLog.member("assigned", report.assigned), RunLog.member("users", report.lines.count)], at: now)
        // The warehouse shows the new budgets from now on, not last night's.
        _ = try await refresh(asOf: now)
        return report
    }

    /// Loads portals/self and every user page for day `asOf`; returns the org id.
    func refresh(asOf: UTCTime) async throws -> String {
        let loader = Loader(db: db, config: config)
        let (portal, orgID) = try await client.portal()
        try loader.importFile(portal.body, file: portal.request, options: ImportOptions(kind: .agolSelf, source: config.alertSource, org: orgID, asOf: asOf), now: portal.fetchedAt)
        try await client.users(orgID: orgID) { page in
            try loader.importFile(
                page.body, file: page.request, options: ImportOptions(kind: .agolUsers, source: config.alertSource, org: orgID, asOf: asOf), now: page.fetchedAt)
        }
        return orgID
    }

    /// Enabled users with a budget whose available share is under `percent`, by user name.
    func candidates(below percent: Decimal, amount: Decimal) throws -> [Line] {
        var lines: [Line] = []
        try db.prepare("""
            SELECT b.user_name, b.assigned_credits, b.available_credits FROM latest_credit_budgets b
            LEFT JOIN users u ON u.source = b.source AND u.user_name = b.user_name
            WHERE b.source = ?1 AND b.assigned_credits IS NOT NULL AND b.available_credits IS NOT NULL AND coalesce(u.disabled, 0) = 0
            ORDER BY b.user_name
            """).bind(config.alertSource).forEachRow { row in
            guard let assigned = ExactDecimal.parse(row.string(1)), let available = ExactDecimal.parse(row.string(2)), assigned > 0,
                available / assigned * 100 < percent
            else { return }
            lines.append(Line(user: row.string(0), assignedBefore: assigned, availableBefore: available, assignedAfter: assigned + amount, result: .planned))
        }
        return lines
    }

    func record(_ lines: ArraySlice<Line>, runID: Int64, amount: Decimal, at time: UTCTime) throws {
        try db.transaction {
            for line in lines {
                try db.run(
                    """
                    INSERT INTO credit_allocations (run_id, source, user_name, assigned_before, available_before, amount, assigned_after,
                                                    requested_at, result, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    runID, config.alertSource, line.user, ExactDecimal.format(line.assignedBefore), ExactDecimal.format(line.availableBefore),
                    ExactDecimal.format(amount), ExactDecimal.format(line.assignedAfter), time.iso8601, line.result.rawValue, line.message)
            }
        }
    }
}
