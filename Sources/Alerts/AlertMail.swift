import Config
import Extract
import Foundation
import WarehouseCore

/// The words of the alert mails: a user's own figures, or the administrators' digest of every
/// alert due. Plain text and HTML say the same thing; every value from the warehouse is
/// HTML-escaped (user names and cost centers are typed by people).
enum AlertMail {
    static func forUser(_ alerts: [Alert], recipient: String, config: AlertsConfiguration, prefix: String, now: UTCTime) -> AlertReport.MailText {
        let who = alerts.first?.fullName ?? alerts.first?.subject ?? recipient
        let subject = "\(prefix) ArcGIS Online: \(alerts.count == 1 ? alerts[0].rule.title.lowercased() : "\(alerts.count) alerts") for \(alerts.first?.subject ?? recipient)"
            .trimmingCharacters(in: .whitespaces)
        let intro = "Hello \(who),\n\nThe usage warehouse checked your ArcGIS Online account on \(stamp(now)) and found:"
        return compose(subject: subject, intro: intro, alerts: alerts, config: config)
    }

    static func digest(_ alerts: [Alert], config: AlertsConfiguration, prefix: String, now: UTCTime) -> AlertReport.MailText {
        let subject = "\(prefix) Alerts digest: \(alerts.count) alert\(alerts.count == 1 ? "" : "s") (\(now.day))".trimmingCharacters(in: .whitespaces)
        let intro = "The usage warehouse checked budgets and thresholds on \(stamp(now)). New or changed since they were last sent:"
        return compose(subject: subject, intro: intro, alerts: alerts, config: config)
    }

    static func stamp(_ now: UTCTime) -> String { "\(now.day) \(now.iso8601.dropFirst(11).prefix(5)) UTC" }

    static func compose(subject: String, intro: String, alerts: [Alert], config: AlertsConfiguration) -> AlertReport.MailText {
        let footer = "You get each alert once, and again only when it changes or after \(config.cooldownHours) hours if it still holds."
        var text = intro + "\n"
        var html = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(subject))</title></head>
            <body style="font-family: Helvetica, Arial, sans-serif; font-size: 14px; color: #1b1f24;">
            <p>\(intro.split(separator: "\n", omittingEmptySubsequences: true).map { escape(String($0)) }.joined(separator: "</p>\n<p>"))</p>

            """
        for rule in Alert.Rule.allCases {
            let group = alerts.filter { $0.rule == rule }
            guard !group.isEmpty else { continue }
            text += "\n\(rule.title)\n" + String(repeating: "-", count: rule.title.count) + "\n"
            html += "<h2 style=\"font-size: 16px;\">\(escape(rule.title))</h2>\n"
            for alert in group {
                text += "* \(alert.summary)\n"
                for figure in alert.figures { text += "    \(figure.label): \(figure.value)\n" }
                html += "<p><strong>\(escape(alert.summary))</strong></p>\n<table style=\"border-collapse: collapse;\">\n"
                for figure in alert.figures {
                    html += "<tr><td style=\"padding: 2px 12px 2px 0;\">\(escape(figure.label))</td>"
                        + "<td style=\"text-align: right; font-variant-numeric: tabular-nums;\">\(escape(figure.value))</td></tr>\n"
                }
                html += "</table>\n"
            }
        }
        text += "\n-- \n\(footer)\n"
        html += "<p style=\"color: #57606a; font-size: 12px;\">\(escape(footer))</p>\n</body></html>\n"
        return AlertReport.MailText(subject: subject, text: text, html: html)
    }

    static let entities: [Character: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]

    static func escape(_ text: String) -> String {
        text.reduce(into: "") { out, c in
            if let entity = entities[c] { out += entity } else { out.append(c) }
        }
    }
}
