import ArgumentParser
import Foundation
import Load
import Pipeline
import WarehouseCore
import Alerts
import Config

/// `warehouse alerts`: the library's `AlertRun`, printed for people.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Check budgets and thresholds; with --notify, e-mail users and administrators.",
        discussion: """
            Rules, recipients and mail settings come from the alerts: section of the configuration (see README). \
            Without --notify, prints the alerts in force and the messages that are due; nothing is sent or written. \
            --dry-run prints those messages in full. With --notify, sends each due message (SMTP) and records it: \
            an alert is sent again only when its state changes or after the cool-down.
            Exit codes: 0 all sent or nothing due; 3 some sends failed (retried by the next run); \
            2 configuration error; 4 another run held the warehouse's lock too long; 1 any other error.
            """)

    @Flag(help: "Send the due messages and record them.")
    var notify = false

    @Flag(name: .customLong("dry-run"), help: "Print the due messages in full; send and record nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("The configuration file (default: ./warehouse.yaml if present).", valueName: "path"))
    var config: String?

    @Option(help: .hidden)
    var now: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var exitCode: Int32 = 0
        try await reportingErrors {
            try await exitingOnConfigError {
                let settings = try WarehouseConfig.load(path: config)
                let time = try now.map { text in
                    guard let parsed = UTCTime.parse(text) else { throw ValidationError("--now '\(text)': expected YYYY-MM-DDTHH:MM:SSZ") }
                    return parsed
                } ?? UTCTime.now()
                let send = notify && !dryRun
                // Sending holds the run lock: two overlapping runs would both find the same alerts due.
                let lock = send ? try takeRunLock(database, settings) : nil
                defer { withExtendedLifetime(lock) {} }
                let db = send ? try database.openForWriting() : try database.openForReading()
                let report = try await AlertRun(db: db, config: settings).run(notify: send, now: time)
                printOut(Self.render(report, full: dryRun))
                exitCode = report.exitCode
            }
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    static func render(_ report: AlertReport, full: Bool) -> String {
        var out = "\(report.alerts.count) alert\(report.alerts.count == 1 ? "" : "s") in force"
        out += report.suppressed > 0 ? "; \(report.suppressed) already sent and unchanged (not sent again)\n" : "\n"
        for alert in report.alerts { out += "  \(alert.rule.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(alert.summary)\n" }
        if report.deliveries.isEmpty { return out + "No message due.\n" }
        out += "\nMessages:\n"
        for delivery in report.deliveries {
            let status = delivery.status == .planned ? "due" : delivery.status.rawValue
            out += "  \(status.padding(toLength: 7, withPad: " ", startingAt: 0)) \(delivery.recipient)  \(delivery.subject)"
            out += delivery.error.map { "  (\($0))\n" } ?? "\n"
            if full { out += "\n    " + delivery.message.text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ") + "\n" }
        }
        if report.runID == nil { out += "Nothing sent: add --notify to send.\n" }
        if report.failed > 0 { out += "\(report.failed) message\(report.failed == 1 ? "" : "s") failed; the next run retries.\n" }
        return out
    }
}

/// The warehouse's run lock (the one `etl`, `rebuild` and `import` take), or exit code 4 when
/// another run holds it past `lock_wait_seconds`.
func takeRunLock(_ database: DatabaseOptions, _ settings: WarehouseConfig) throws -> RunLock {
    do {
        return try RunLock(databasePath: database.path, wait: .seconds(settings.lockWaitSeconds))
    } catch let busy as RunLock.Busy {
        printError("\(busy)")
        throw ExitCode(ETLExit.locked)
    }
}

/// Runs `body`; a configuration error becomes one line on stderr and exit code 2.
func exitingOnConfigError(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ConfigError {
        printError("\(error)")
        throw ExitCode(2)
    }
}
