import ArgumentParser
import Foundation
import Pipeline
import WarehouseCore
import Alerts
import Config

/// `warehouse credits`: ArcGIS Online credit budgets.
struct CreditsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credits", abstract: "ArcGIS Online credit budgets.", subcommands: [CreditsAllocateCommand.self])
}

/// `warehouse credits allocate`: the library's `CreditAllocation`, asking for --yes before writing.
struct CreditsAllocateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocate", abstract: "Top up the credit budgets of users under a threshold.",
        discussion: """
            Reads every user's budget live from ArcGIS Online (alerts.arcgis in the configuration; the admin's \
            user name and password from the environment variables it names), lists the users whose available \
            credits are under PERCENT of their assigned credits, and with --yes sets each one's allocation to \
            assigned + N through assignUserCredits (100 users a request). Without --yes it only lists them. \
            Every change is recorded in the warehouse (credit_allocations). Refuses when budgeting is off.
            Exit codes: 0 done (or nothing to do); 3 some users were not assigned; 2 configuration error; \
            4 another run held the warehouse's lock too long; 1 other errors.
            """)

    @Option(help: ArgumentHelp("Top up users with less than this percentage of their credits left.", valueName: "percent"))
    var below: String

    @Option(help: ArgumentHelp("Credits to add to each one's allocation.", valueName: "credits"))
    var amount: String

    @Flag(name: .customLong("dry-run"), help: "Only list the users (the default without --yes).")
    var dryRun = false

    @Flag(help: "Assign the credits.")
    var yes = false

    @Option(help: ArgumentHelp("The configuration file (default: ./warehouse.yaml if present).", valueName: "path"))
    var config: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard let percent = ExactDecimal.parse(below), percent > 0, percent <= 100 else {
            throw ValidationError("--below '\(below)': expected a percentage above 0 and at most 100")
        }
        guard let credits = ExactDecimal.parse(amount), credits > 0 else {
            throw ValidationError("--amount '\(amount)': expected a number of credits above 0")
        }
    }

    func run() async throws {
        var exitCode: Int32 = 0
        try await reportingErrors {
            try await exitingOnConfigError {
                let settings = try WarehouseConfig.load(path: config)
                let client = try CreditAllocation.client(config: settings, environment: ProcessInfo.processInfo.environment)
                let lock = try takeRunLock(database, settings)
                defer { withExtendedLifetime(lock) {} }
                let db = try database.openForWriting()
                let apply = yes && !dryRun
                let report = try await CreditAllocation(db: db, config: settings, client: client).run(
                    below: ExactDecimal.parse(below) ?? 0, amount: ExactDecimal.parse(amount) ?? 0, apply: apply)
                printOut(Self.render(report, below: below))
                exitCode = report.exitCode
            }
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    static func render(_ report: CreditAllocation.Report, below: String) -> String {
        guard !report.lines.isEmpty else { return "No user of \(report.orgID) has less than \(below)% of their credits left; nothing to do.\n" }
        var out = "\(report.lines.count) user\(report.lines.count == 1 ? "" : "s") of \(report.orgID) under \(below)%:\n"
        out += "  user                             assigned  available  -> assigned  result\n"
        for line in report.lines {
            let cells = [
                line.user.padding(toLength: 30, withPad: " ", startingAt: 0), leftPad(ExactDecimal.format(line.assignedBefore), 11),
                leftPad(ExactDecimal.format(line.availableBefore), 10), leftPad(ExactDecimal.format(line.assignedAfter), 12),
                line.result.rawValue + (line.message.map { " (\($0))" } ?? ""),
            ]
            out += "  " + cells.joined(separator: " ") + "\n"
        }
        if !report.applied { out += "Nothing changed: add --yes to assign these credits.\n" }
        return out
    }

    static func leftPad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
}
