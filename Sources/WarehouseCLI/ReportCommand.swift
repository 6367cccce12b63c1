import ArgumentParser
import Config
import Foundation
import Load
import Query
import WarehouseCore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Credits, storage, budgets, org credits, cost trends, anomalies and month-end forecasts over a period.",
        discussion: """
            credits   ArcGIS Online credits by service type (largest first) and by user \
            storage   storage credits per owner and item, features and attachments apart \
            budgets   each user's assigned and available credits (latest snapshot), users under 10% and 50% \
            org       the org's remaining credits over time \
            trend     month-over-month cost per group (--group as for invoice), with the change \
            anomalies days outside each series' seasonal-median band (--group), new and vanished series \
            forecast  the month so far plus the baseline of the remaining days, with a range and the budget
            """)

    @Argument(help: "credits, storage, budgets, org, trend, anomalies or forecast.")
    var kind: ReportKind

    @Option(help: ArgumentHelp("A month or an inclusive range of months.", valueName: "YYYY-MM|YYYY-MM..YYYY-MM"))
    var period: String

    @Option(help: "For trend, anomalies and forecast: group by costCenter, user, customer, subscription, resourceGroup or meter.")
    var group: InvoiceGrouping = .costCenter

    @Option(help: "table, csv, json or markdown; html for anomalies (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("For anomalies: flag a day beyond this many σ of its baseline.", valueName: "k"))
    var deviation = "5"

    @Option(help: ArgumentHelp("For anomalies: the smallest deviation flagged, in the currency or in credits.", valueName: "amount"))
    var minAmount = "0"

    @Option(help: ArgumentHelp("For forecast: the configuration whose alerts: budgets are shown (default: ./warehouse.yaml if present).", valueName: "path"))
    var config: String?

    @OptionGroup var database: AnyDatabaseOptions

    /// A format this command does not print in is a wrong argument (exit 64), refused before anything is read.
    func validate() throws {
        if let format { try validateFormat(format, among: Report.formats(for: kind), command: "report") }
        guard let k = ExactDecimal.parse(deviation), k >= ExactDecimal.parse("0.01")!, k <= 1000 else {
            throw ValidationError("--deviation must be a number from 0.01 to 1000, not '\(deviation)'")
        }
        guard let amount = ExactDecimal.parse(minAmount), amount >= 0, Micros.from(amount) != nil else {
            throw ValidationError("--min-amount must be a number 0 or above, not '\(minAmount)'")
        }
    }

    func run() async throws {
        try await reportingErrors {
            try checkOutput(output, warehouse: database.text)
            let formats = Report.formats(for: kind)
            // An `.html` output file of a report that prints HTML is HTML; otherwise as before.
            let html = output.map(OutputFormat.forFile) == .html && formats.contains(.html)
            let chosen = format ?? (html ? .html : output == nil && stdoutIsTerminal ? .table : .json)
            try OutputFormat.check(chosen, among: formats, command: "report")
            let range = try ReportPeriod(parsing: period)
            let report = try await database.reading { try build(ReportBuilder(db: $0), range: range) }
            try writeOutput(report.render(chosen), to: output)
        }
    }

    /// The report from `builder`, with the options that tune it.
    func build(_ builder: ReportBuilder, range: ReportPeriod) throws -> Report {
        var builder = builder
        builder.anomalyK100 = Micros.from(ExactDecimal.parse(deviation) ?? 5).map { $0 / 10_000 } ?? 500
        let minimum = Micros.from(ExactDecimal.parse(minAmount) ?? 0) ?? 0
        builder.anomalyMinimum = ["*": minimum]
        if kind == .forecast {
            let settings = try WarehouseConfig.load(path: config)
            builder.budgets = settings.alerts.costCenterBudgets
            builder.budgetCurrency = settings.currency
        }
        return try builder.build(kind, period: range, grouping: group)
    }
}

extension ReportKind: ExpressibleByArgument {}
