import Foundation
import WarehouseCore

/// The `alerts:` section of `warehouse.yaml`: which thresholds to watch, who hears about them,
/// how mail goes out, and where ArcGIS Online is for `credits allocate`.
///
/// ```yaml
/// alerts:
///   source: arcgis                 # the ArcGIS Online source whose facts are checked (default:
///                                  # the one arcgis entry of sources:, else "arcgis")
///   cooldown_hours: 168            # an unchanged alert is sent again after this long
///   admins: [gis-admins@example.org]
///   delivery: smtp                 # or arcgis: ArcGIS Online's createNotification e-mails
///   admin_users: [gis_admin]       # digest recipients (usernames) with delivery: arcgis
///   user_budget: {below_percent: [10, 50]}
///   user_spend: {days: 7, over_credits: "10"}
///   storage: {over_credits: "100"}
///   cost_centers: {budgets: {Planning: "1200.00"}, projection: true}
///   org_credits: {floor: "5000"}
///   anomaly: {deviation: "5", min_amount: "25", groups: [costCenter], days: 3}
///   mail:
///     url: smtp://mail.example.org:587   # STARTTLS; smtps://host:465 for TLS from the start
///     from: warehouse@example.org
///     username_env: WAREHOUSE_SMTP_USER
///     password_env: WAREHOUSE_SMTP_PASSWORD
///   arcgis:                        # default: the ArcGIS Online entry of sources:
///     sharing_url: https://myorg.maps.arcgis.com/sharing/rest
///     username_env: ARCGIS_USERNAME
///     password_env: ARCGIS_PASSWORD
/// ```
///
/// Secrets are never in the file: only the *names* of the environment variables that hold them,
/// so the file can be committed and shown. Rules that are not configured are off, except the
/// budget rule, whose thresholds default to the second seed's 10% and 50%.
public struct AlertsConfiguration: Sendable, Hashable {
    /// The source name facts were loaded under (`users.source`, `credit_budgets.source`, ...);
    /// nil: see `WarehouseConfig.alertSource`.
    public var source: String?
    /// How long an alert whose state has not changed stays quiet after it was sent.
    public var cooldownHours: Int = 168
    /// E-mail addresses that get the digest of every alert (`delivery: smtp`).
    public var admins: [String] = []
    /// How alerts go out: `smtp` (the `mail:` section) or `arcgis`, ArcGIS Online's own
    /// notification endpoint (`portals/self/createNotification`, the `arcgis:` section), which
    /// e-mails users at the address their account has, with no mail server of our own.
    public var delivery: Delivery = .smtp
    /// ArcGIS Online usernames that get the digest with `delivery: arcgis`.
    public var adminUsers: [String] = []

    public enum Delivery: String, Sendable, Hashable, CaseIterable { case smtp, arcgis }
    /// A user's available credits under these percentages of assigned (ascending).
    public var budgetPercents: [Decimal] = [10, 50]
    /// Credits a user spent in the last `spendDays` days over `spendOver` (nil: rule off).
    public var spendDays: Int = 7
    public var spendOver: Decimal?
    /// Storage credits a month per owner over this (nil: off).
    public var storageOver: Decimal?
    /// Month-to-date cost per cost center over its budget, in the configuration's currency.
    public var costCenterBudgets: [String: Decimal] = [:]
    /// Also warn when the month-to-date cost projected to the month's end exceeds the budget.
    public var costCenterProjection: Bool = true
    /// The org's remaining credits under this (nil: off).
    public var orgFloor: Decimal?
    /// Cost and credit anomalies (nil: off); see `AlertsConfiguration+Anomaly.swift`.
    public var anomaly: Anomaly?
    public var mail: Mail?
    public var arcgis: ArcGIS?

    public init() {}

    /// How mail is delivered: SMTP through libcurl.
    public struct Mail: Sendable, Hashable {
        /// `smtp://host[:port]` (STARTTLS as `tls` says) or `smtps://host[:port]` (implicit TLS).
        public var url: String
        public var from: String
        public var usernameEnv: String?
        public var passwordEnv: String?
        /// For `smtp://`: `required` (the default: refuse to send in clear), `try`, or `none`
        /// (only for a relay on the same machine).
        public var tls: TLSMode = .required
        /// A PEM bundle of CAs to trust (a private mail relay).
        public var caBundle: String?
        public var timeoutSeconds: Int = 60
        /// Prefix of every subject line.
        public var subjectPrefix: String = "[warehouse]"

        public enum TLSMode: String, Sendable, Hashable, CaseIterable { case required, `try`, none }

        public init(url: String, from: String) {
            self.url = url
            self.from = from
        }
    }

    /// Where ArcGIS Online is, and the names of the variables with the admin's credentials.
    public struct ArcGIS: Sendable, Hashable {
        public var sharingURL: String
        public var usernameEnv: String
        public var passwordEnv: String
        /// The `Referer` the token is bound to.
        public var referer: String = "https://warehouse.local"

        public init(sharingURL: String, usernameEnv: String, passwordEnv: String) {
            self.sharingURL = sharingURL
            self.usernameEnv = usernameEnv
            self.passwordEnv = passwordEnv
        }
    }

    public var cooldown: Int64 { Int64(cooldownHours) * 3600 }
}

extension WarehouseConfig {
    static func parseAlerts(_ node: ConfigNode) throws -> AlertsConfiguration {
        var alerts = AlertsConfiguration()
        guard !node.node.isNull else { return alerts }
        let keys = ["source", "cooldown_hours", "admins", "admin_users", "delivery", "user_budget", "user_spend", "storage", "cost_centers", "org_credits", "anomaly", "mail", "arcgis"]
        for (key, value) in try node.mapping(allowed: keys) {
            switch key {
            case "source": alerts.source = try value.name()
            case "cooldown_hours": alerts.cooldownHours = try value.integer(min: 0)
            case "admins": alerts.admins = try value.stringList().map { try value.emailAddress($0) }
            case "admin_users": alerts.adminUsers = try value.stringList().map { $0.lowercased() }
            case "delivery":
                guard let delivery = AlertsConfiguration.Delivery(rawValue: try value.string()) else { throw value.error("expected smtp or arcgis, got \(value.quotedText)") }
                alerts.delivery = delivery
            case "user_budget":
                for (k, v) in try value.mapping(allowed: ["below_percent"]) where k == "below_percent" {
                    let percents = try (v.node.sequence != nil ? v.list() : [v]).map { try $0.decimal() }
                    guard !percents.isEmpty, percents.allSatisfy({ $0 > 0 && $0 <= 100 }) else {
                        throw v.error("expected percentages above 0 and at most 100")
                    }
                    alerts.budgetPercents = Array(Set(percents)).sorted()
                }
            case "user_spend":
                for (k, v) in try value.mapping(allowed: ["days", "over_credits"]) {
                    if k == "days" { alerts.spendDays = try v.integer(min: 1) } else { alerts.spendOver = try v.nonNegativeDecimal() }
                }
            case "storage":
                for (_, v) in try value.mapping(allowed: ["over_credits"]) { alerts.storageOver = try v.nonNegativeDecimal() }
            case "cost_centers":
                for (k, v) in try value.mapping(allowed: ["budgets", "projection"]) {
                    if k == "projection" {
                        alerts.costCenterProjection = try v.boolean()
                    } else if !v.node.isNull {
                        guard let map = v.node.mapping else { throw v.error("expected a map of cost center: budget") }
                        for (nameNode, amountNode) in map {
                            guard let name = nameNode.scalar?.string, !name.isEmpty else { throw v.error("a cost center must be named") }
                            alerts.costCenterBudgets[name] = try v.child(name, amountNode).nonNegativeDecimal()
                        }
                    }
                }
            case "org_credits":
                for (_, v) in try value.mapping(allowed: ["floor"]) { alerts.orgFloor = try v.nonNegativeDecimal() }
            case "anomaly": alerts.anomaly = try parseAnomaly(value)
            case "mail": alerts.mail = try parseMail(value)
            default: alerts.arcgis = try parseArcGIS(value)
            }
        }
        return alerts
    }

    static func parseMail(_ node: ConfigNode) throws -> AlertsConfiguration.Mail {
        let fields = try node.mapping(allowed: ["url", "from", "username_env", "password_env", "tls", "ca_bundle", "timeout_seconds", "subject_prefix"])
        func field(_ name: String) -> ConfigNode? { fields.first { $0.key == name }?.value }
        guard let urlNode = field("url") else { throw node.error("missing url (smtp://host:587 or smtps://host:465)") }
        guard let fromNode = field("from") else { throw node.error("missing from (the sender's e-mail address)") }
        let url = try urlNode.name()
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        guard scheme == "smtp" || scheme == "smtps", url.contains("://") else {
            throw urlNode.error("expected an smtp:// or smtps:// URL, got \(urlNode.quotedText)")
        }
        guard !url.contains("@") else { throw urlNode.error("the URL must not carry a user name or password; use username_env and password_env") }
        var mail = AlertsConfiguration.Mail(url: url, from: try fromNode.emailAddress(try fromNode.name()))
        mail.usernameEnv = try field("username_env")?.environmentName()
        mail.passwordEnv = try field("password_env")?.environmentName()
        if (mail.usernameEnv == nil) != (mail.passwordEnv == nil) {
            throw node.error("username_env and password_env go together")
        }
        if let tls = field("tls") {
            guard let mode = AlertsConfiguration.Mail.TLSMode(rawValue: try tls.string()) else {
                throw tls.error("expected required, try or none, got \(tls.quotedText)")
            }
            mail.tls = mode
        }
        mail.caBundle = try field("ca_bundle")?.name()
        if let timeout = field("timeout_seconds") { mail.timeoutSeconds = try timeout.integer(min: 1) }
        if let prefix = field("subject_prefix") { mail.subjectPrefix = try prefix.string() }
        return mail
    }

    static func parseArcGIS(_ node: ConfigNode) throws -> AlertsConfiguration.ArcGIS {
        let fields = try node.mapping(allowed: ["sharing_url", "username_env", "password_env", "referer"])
        func required(_ name: String) throws -> ConfigNode {
            guard let value = fields.first(where: { $0.key == name })?.value else { throw node.error("missing \(name)") }
            return value
        }
        let url = try required("sharing_url")
        let text = try url.name()
        guard text.hasPrefix("https://") || text.hasPrefix("http://127.0.0.1") || text.hasPrefix("http://localhost") else {
            throw url.error("expected an https:// URL (plain http only to 127.0.0.1), got \(url.quotedText)")
        }
        var arcgis = AlertsConfiguration.ArcGIS(
            sharingURL: text, usernameEnv: try required("username_env").environmentName(), passwordEnv: try required("password_env").environmentName())
        if let referer = fields.first(where: { $0.key == "referer" })?.value { arcgis.referer = try referer.name() }
        return arcgis
    }
}

extension ConfigNode {
    func integer(min: Int) throws -> Int {
        guard let value = Int(try string().trimmingCharacters(in: .whitespaces)), value >= min else {
            throw error("expected a whole number of at least \(min), got \(quotedText)")
        }
        return value
    }

    func nonNegativeDecimal() throws -> Decimal {
        let value = try decimal()
        guard value >= 0 else { throw error("expected zero or more, got \(quotedText)") }
        return value
    }

    func boolean() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got \(quotedText)")
        }
    }

    /// The name of an environment variable (never its value: secrets stay out of the file).
    func environmentName() throws -> String {
        let name = try name()
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !(name.first?.isNumber ?? true) else {
            throw error("expected the name of an environment variable (letters, digits, _), got \(quotedText)")
        }
        return name
    }

    /// A plain `local@domain` address (no display name, no spaces), lower-cased.
    func emailAddress(_ text: String) throws -> String {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !text.contains(where: { $0.isWhitespace || "<>,;\"".contains($0) }) else {
            throw error("expected an e-mail address such as gis-admins@example.org, got \"\(text)\"")
        }
        return text.lowercased()
    }
}
