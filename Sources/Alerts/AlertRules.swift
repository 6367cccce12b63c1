import Config
import Extract
import Foundation
import Load
import Query
import WarehouseCore

/// Evaluates the configured rules against the warehouse as it stands: pure reads, exact
/// decimals throughout (credits are exact text in the facts, money is micro-units), so a
/// threshold is crossed exactly when the figures say so.
///
/// The figures come from what the nightly run loaded (budgets and org credits from their latest
/// snapshot, usage, storage snapshots, priced charges), not from live calls: alerts run after
/// the load, and stay consistent with the reports and invoices of the same night.
public struct AlertRules {
    let db: Database
    let config: WarehouseConfig

    public init(db: Database, config: WarehouseConfig) {
        self.db = db
        self.config = config
    }

    var alerts: AlertsConfiguration { config.alerts }
    var source: String { config.alertSource }

    /// Every alert in force at `now`, in rule order, then by subject.
    public func evaluate(now: UTCTime) throws -> [Alert] {
        let contacts = try userContacts()
        var out = try userBudgets(contacts)
        if let over = alerts.spendOver { out += try userSpend(over: over, now: now, contacts) }
        if let over = alerts.storageOver { out += try storage(over: over, now: now, contacts) }
        if !alerts.costCenterBudgets.isEmpty { out += try costCenters(now: now) }
        if let floor = alerts.orgFloor { out += try orgCredits(floor: floor) }
        if let rule = alerts.anomaly { out += try anomalies(rule, now: now) }
        return out
    }

    /// Credits as shown in mail: at most three decimals, exact rounding.
    static func credits(_ value: Decimal) -> String { ExactDecimal.format(ExactDecimal.rounded(value, scale: 3)) }

    struct Contact { var email: String?, fullName: String? }

    /// Each user's address (none for a disabled user: they are not mailed, admins still hear).
    func userContacts() throws -> [String: Contact] {
        var out: [String: Contact] = [:]
        try db.prepare("SELECT user_name, email, full_name, disabled FROM users WHERE source = ?1").bind(source).forEachRow { row in
            let email = row.optionalString(1).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { Self.isPlainAddress($0) ? $0 : nil }
            out[row.string(0)] = Contact(email: row.int(3) == 1 ? nil : email, fullName: row.optionalString(2))
        }
        return out
    }

    /// `local@domain` and nothing else: no spaces, control characters, brackets or commas, so an
    /// address from the users table can never add an SMTP command or a mail header.
    static func isPlainAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7F && !"<>,;\"()[]\\".unicodeScalars.contains(scalar)
        }
    }

    /// Available credits under a share of assigned: the lowest threshold crossed is the state.
    func userBudgets(_ contacts: [String: Contact]) throws -> [Alert] {
        guard !alerts.budgetPercents.isEmpty else { return [] }
        var out: [Alert] = []
        try db.prepare("""
            SELECT user_name, assigned_credits, available_credits, snapshot_date FROM latest_credit_budgets
            WHERE source = ?1 AND assigned_credits IS NOT NULL AND available_credits IS NOT NULL ORDER BY user_name
            """).bind(source).forEachRow { row in
            guard let assigned = ExactDecimal.parse(row.string(1)), let available = ExactDecimal.parse(row.string(2)), assigned > 0 else { return }
            let share = available / assigned * 100
            guard let threshold = alerts.budgetPercents.first(where: { share < $0 }) else { return }
            let user = row.string(0), contact = contacts[user]
            let percent = ExactDecimal.format(ExactDecimal.rounded(share, scale: 1))
            out.append(Alert(
                rule: .userBudget, key: "user_budget/\(source)/\(user)", subject: user, email: contact?.email, fullName: contact?.fullName,
                fingerprint: "below \(ExactDecimal.format(threshold))%",
                summary: "\(user) has \(Self.credits(available)) of \(Self.credits(assigned)) credits left (\(percent)%), under \(ExactDecimal.format(threshold))%.",
                figures: [
                    .init("assigned credits", Self.credits(assigned)), .init("available credits", Self.credits(available)),
                    .init("used credits", Self.credits(assigned - available)), .init("percent left", percent),
                    .init("as of", row.string(3)),
                ]))
        }
        return out
    }

    /// Credits a user spent in the `spendDays` days before `now` (storage left out: it has its own rule).
    func userSpend(over: Decimal, now: UTCTime, _ contacts: [String: Contact]) throws -> [Alert] {
        let start = now.adding(days: -alerts.spendDays)
        var spent: [String: Decimal] = [:]
        try db.prepare("""
            SELECT user_name, quantity FROM usage
            WHERE source = ?1 AND unit = 'credits' AND user_name IS NOT NULL AND meter_id NOT LIKE 'stg.%'
              AND usage_start >= ?2 AND usage_start < ?3
            """).bind(source, start.iso8601, now.iso8601).forEachRow { row in
            if let quantity = ExactDecimal.parse(row.string(1)) { spent[row.string(0), default: 0] += quantity }
        }
        let days = "\(alerts.spendDays) day\(alerts.spendDays == 1 ? "" : "s")"
        return spent.filter { $0.value > over }.sorted { $0.key < $1.key }.map { user, credits in
            let contact = contacts[user]
            return Alert(
                rule: .userSpend, key: "user_spend/\(source)/\(user)", subject: user, email: contact?.email, fullName: contact?.fullName,
                fingerprint: "over \(ExactDecimal.format(over)) in \(days)",
                summary: "\(user) spent \(Self.credits(credits)) credits in the last \(days), over \(ExactDecimal.format(over)).",
                figures: [
                    .init("credits spent", Self.credits(credits)), .init("threshold", ExactDecimal.format(over)),
                    .init("window", "\(start.iso8601) to \(now.iso8601)"),
                ])
        }
    }

    /// Storage credits of the month per owner (the storage report's figures: a level averaged
    /// over the month's snapshots, features and attachments at their own rates).
    func storage(over: Decimal, now: UTCTime, _ contacts: [String: Contact]) throws -> [Alert] {
        let period = try ReportPeriod(parsing: now.month)
        let report = try ReportBuilder(db: db).build(.storage, period: period)
        guard let owners = report.section("by_owner") else { return [] }
        var out: [Alert] = []
        for row in owners.rows {
            guard let owner = row[0], let total = row[4].flatMap({ ExactDecimal.parse($0) }), total > over else { continue }
            let contact = contacts[owner]
            out.append(Alert(
                rule: .storage, key: "storage/\(source)/\(owner)", subject: owner, email: contact?.email, fullName: contact?.fullName,
                fingerprint: "over \(ExactDecimal.format(over)) a month",
                summary: "\(owner)'s items use \(Self.credits(total)) storage credits a month (\(period)), over \(ExactDecimal.format(over)).",
                figures: [
                    .init("items", row[1] ?? ""), .init("feature storage credits", row[2] ?? ""), .init("file storage credits", row[3] ?? ""),
                    .init("storage credits a month", Self.credits(total)),
                ]))
        }
        return out
    }

    /// Month-to-date cost per cost center against its budget, and the projection to the month's
    /// end (month-to-date × month length ÷ time elapsed, at least one day elapsed).
    func costCenters(now: UTCTime) throws -> [Alert] {
        let month = now.month
        var spent: [String: (name: String, micros: Int64)] = [:]
        try db.prepare("SELECT cost_center, amount_micros FROM cost_by_cost_center_month WHERE period = ?1 AND currency = ?2")
            .bind(month, config.currency).forEachRow { row in
                let name = row.string(0)
                let current = spent[name.lowercased()]
                spent[name.lowercased()] = (current?.name ?? name, (current?.micros ?? 0) + row.int64(1))
            }
        let monthStart = now.startOfMonth, monthEnd = now.startOfNextMonth
        let elapsed = max(86_400, now.seconds - monthStart.seconds)
        var out: [Alert] = []
        for (configured, budget) in alerts.costCenterBudgets.sorted(by: { $0.key < $1.key }) {
            // Matched case-insensitively, shown as the warehouse spells it (cost_centers.display_name).
            let name = spent[configured.lowercased()]?.name ?? configured
            let actual = Micros.decimal(spent[configured.lowercased()]?.micros ?? 0)
            let projected = ExactDecimal.rounded(actual * Decimal(monthEnd.seconds - monthStart.seconds) / Decimal(elapsed), scale: 2)
            let state: String
            if actual > budget {
                state = "over budget"
            } else if alerts.costCenterProjection, projected > budget {
                state = "projected over budget"
            } else {
                continue
            }
            let money = { (value: Decimal) in "\(Micros.format(Micros.from(value) ?? 0)) \(config.currency)" }
            let summary = state == "over budget"
                ? "\(name) has spent \(money(actual)) in \(month), over its budget of \(money(budget))."
                : "\(name) has spent \(money(actual)) in \(month) and is projected to reach \(money(projected)), over its budget of \(money(budget))."
            out.append(Alert(
                rule: .costCenter, key: "cost_center/\(name.lowercased())/\(month)", subject: name, fingerprint: state,
                summary: summary,
                figures: [
                    .init("month to date", money(actual)), .init("projected to month end", money(projected)), .init("budget", money(budget)),
                ]))
        }
        return out
    }

    /// The org's remaining credits (latest snapshot) under the floor.
    func orgCredits(floor: Decimal) throws -> [Alert] {
        var out: [Alert] = []
        try db.prepare("""
            SELECT o.org_id, o.available_credits, o.snapshot_date FROM org_credits o
            WHERE o.source = ?1 AND o.snapshot_date = (SELECT max(p.snapshot_date) FROM org_credits p WHERE p.source = o.source AND p.org_id = o.org_id)
            ORDER BY o.org_id
            """).bind(source).forEachRow { row in
            guard let available = ExactDecimal.parse(row.string(1)), available < floor else { return }
            out.append(Alert(
                rule: .orgCredits, key: "org_credits/\(source)/\(row.string(0))", subject: row.string(0),
                fingerprint: "below \(ExactDecimal.format(floor))",
                summary: "The organization \(row.string(0)) has \(Self.credits(available)) credits left, under the floor of \(ExactDecimal.format(floor)).",
                figures: [.init("available credits", Self.credits(available)), .init("floor", ExactDecimal.format(floor)), .init("as of", row.string(2))]))
        }
        return out
    }
}
