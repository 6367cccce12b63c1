import ArgumentParser
import Foundation
import Load
import Query

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Credits, storage, budgets, org credits and cost trends over a period.",
        discussion: """
            credits   ArcGIS Online credits by service type (largest first) and by user \
            storage   storage credits per owner and item, features and attachments apart \
            budgets   each user's assigned and available credits (latest snapshot), users under 10% and 50% \
            org       the org's remaining credits over time \
            trend     month-over-month cost per group (--group as for invoice), with the change
            """)

    @Argument(help: "credits, storage, budgets, org or trend.")
    var kind: ReportKind

    @Option(help: ArgumentHelp("A month or an inclusive range of months.", valueName: "YYYY-MM|YYYY-MM..YYYY-MM"))
    var period: String

    @Option(help: "For trend: group by costCenter, user, customer, subscription, resourceGroup or meter.")
    var group: InvoiceGrouping = .costCenter

    @Option(help: "table, csv, json or markdown (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var database: DatabaseOptions

    /// A format this command does not print in is a wrong argument (exit 64), refused before anything is read.
    func validate() throws {
        if let format { try validateFormat(format, among: Report.formats, command: "report") }
    }

    func run() async throws {
        try await reportingErrors {
            try checkOutput(output, warehouse: database.path)
            let chosen = format ?? (output == nil && stdoutIsTerminal ? .table : .json)
            try OutputFormat.check(chosen, among: Report.formats, command: "report")
            let range = try ReportPeriod(parsing: period)
            let db = try database.openForReading()
            let report = try ReportBuilder(db: db).build(kind, period: range, grouping: group)
            try writeOutput(report.render(chosen), to: output)
        }
    }
}

extension ReportKind: ExpressibleByArgument {}
