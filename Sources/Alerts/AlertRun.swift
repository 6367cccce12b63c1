import Config
import Extract
import Foundation
import Load
import Transport
import WarehouseCore

/// One alert run: evaluate the rules, work out which alerts are due for whom (the no-spam
/// ledger), and with `notify` send them, one message per recipient, recording each outcome as
/// soon as the server answers. Users get their own figures; each administrator gets a digest of
/// every alert due for them.
///
/// This is the entry point the nightly `warehouse etl` calls after loading:
/// `try await AlertRun(db: db, config: config).run(notify: true, now: .now())`, and
/// `report.exitCode` (0, or 3 when a send failed and will be retried) folds into its own.
public struct AlertRun {
    let db: Database
    let config: WarehouseConfig
    let environment: [String: String]
    let transport: (any MailTransport)?

    /// `environment` holds the variables `alerts.mail.username_env`/`password_env` name;
    /// `transport` replaces the configured SMTP delivery (nil: built from the configuration).
    public init(
        db: Database, config: WarehouseConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: (any MailTransport)? = nil
    ) {
        self.db = db
        self.config = config
        self.environment = environment
        self.transport = transport
    }

    /// The SMTP sender `alerts.mail` describes, credentials read from the environment now.
    /// A missing section or variable is a `ConfigError` naming it.
    public static func smtpSender(config: WarehouseConfig, environment: [String: String]) throws -> SMTPSender {
        let file = config.path ?? WarehouseConfig.defaultFileName
        guard let mail = config.alerts.mail else {
            throw ConfigError(file: file, key: "alerts.mail", message: "missing: --notify needs a mail section (url, from)")
        }
        var username: String?, password: String?
        if let userVar = mail.usernameEnv, let passVar = mail.passwordEnv {
            let secrets = try config.secretStore(environment: environment)
            username = try secrets.value(userVar, key: "alerts.mail.username_env")
            password = try secrets.value(passVar, key: "alerts.mail.password_env")
        }
        let tls: SMTPSettings.TLS
        switch mail.tls {
        case .required: tls = .all
        case .try: tls = .tryTLS
        case .none: tls = .none
        }
        return SMTPSender(settings: SMTPSettings(
            url: mail.url, username: username, password: password, tls: tls, caBundle: mail.caBundle, timeout: .seconds(Int64(mail.timeoutSeconds))))
    }

    /// The delivery `alerts.delivery` chooses: SMTP, or ArcGIS Online's notification endpoint
    /// (signed in with the `alerts.arcgis` credentials).
    public static func configuredTransport(config: WarehouseConfig, environment: [String: String]) throws -> any MailTransport {
        switch config.alerts.delivery {
        case .smtp: return try smtpSender(config: config, environment: environment)
        case .arcgis: return ArcGISNotifier(client: try CreditAllocation.client(config: config, environment: environment))
        }
    }

    /// Evaluates and plans; with `notify`, sends what is due and records it (and the run in
    /// `etl_runs`, command `alerts`). Without it nothing is written: the deliveries come back
    /// `planned`, with their messages, for the caller to show.
    public func run(notify: Bool, now: UTCTime = .now()) async throws -> AlertReport {
        let sender: (any MailTransport)? = notify ? try transport ?? Self.configuredTransport(config: config, environment: environment) : nil
        var report = try plan(now: now)
        guard let sender else { return report }
        let from = config.alerts.mail?.from ?? "warehouse@localhost"
        let log = try RunLog.start(db, command: "alerts", at: now)
        report.runID = log.runID
        let ledger = AlertLedger(db: db, cooldown: config.alerts.cooldown)
        do {
            for index in report.deliveries.indices {
                let delivery = report.deliveries[index]
                let alerts = report.alerts.filter { delivery.alertKeys.contains($0.key) }
                let message = MailMessage(
                    from: from, to: [delivery.recipient], subject: delivery.message.subject, text: delivery.message.text,
                    html: delivery.message.html, date: now.date)
                var failure: String?
                do {
                    try await sender.send(message)
                } catch {
                    failure = Redaction.redactText("\(error)")
                }
                try ledger.record(alerts, to: delivery.recipient, channel: config.alerts.delivery.rawValue, at: now, runID: log.runID, error: failure)
                report.deliveries[index].status = failure == nil ? .sent : .failed
                report.deliveries[index].error = failure
            }
        } catch {
            try? log.finish(status: "failed", records: report.sent, detail: [RunLog.member("error", Redaction.redactText("\(error)"))], at: now)
            throw error
        }
        try log.finish(
            status: report.failed == 0 ? "ok" : "partial", records: report.sent,
            detail: [
                RunLog.member("alerts", report.alerts.count), RunLog.member("sent", report.sent), RunLog.member("failed", report.failed),
                RunLog.member("suppressed", report.suppressed),
            ], at: now)
        return report
    }

    /// The alerts in force and, per recipient, the message with those not yet sent in their
    /// current state (or sent a cool-down ago). Reads only.
    public func plan(now: UTCTime = .now()) throws -> AlertReport {
        var report = AlertReport()
        report.alerts = try AlertRules(db: db, config: config).evaluate(now: now)
        let ledger = AlertLedger(db: db, cooldown: config.alerts.cooldown)
        let prefix = config.alerts.mail?.subjectPrefix ?? "[warehouse]"
        // A user is reached at their e-mail address (SMTP) or their username (ArcGIS Online sends
        // to the address on the account); users without an address, or disabled, are not.
        let byUsername = config.alerts.delivery == .arcgis
        func recipient(_ alert: Alert) -> String? { alert.email.map { byUsername ? alert.subject.lowercased() : $0 } }
        let admins = byUsername ? config.alerts.adminUsers : config.alerts.admins
        var users: [String] = []
        for alert in report.alerts { if let user = recipient(alert), !users.contains(user) { users.append(user) } }
        for user in users where !admins.contains(user) {
            let due = try report.alerts.filter { recipient($0) == user }.filter { alert in
                let due = try ledger.isDue(alert, to: user, now: now)
                if !due { report.suppressed += 1 }
                return due
            }
            guard !due.isEmpty else { continue }
            let text = AlertMail.forUser(due, recipient: user, config: config.alerts, prefix: prefix, now: now)
            report.deliveries.append(.init(recipient: user, digest: false, alertKeys: due.map(\.key), subject: text.subject, status: .planned, message: text))
        }
        for admin in admins {
            let due = try report.alerts.filter { alert in
                let due = try ledger.isDue(alert, to: admin, now: now)
                if !due { report.suppressed += 1 }
                return due
            }
            guard !due.isEmpty else { continue }
            let text = AlertMail.digest(due, config: config.alerts, prefix: prefix, now: now)
            report.deliveries.append(.init(recipient: admin, digest: true, alertKeys: due.map(\.key), subject: text.subject, status: .planned, message: text))
        }
        return report
    }
}
