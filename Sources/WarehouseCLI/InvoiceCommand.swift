import ArgumentParser
import Foundation
import Load
import Query
import WarehouseCore

struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice", abstract: "Print an itemized invoice for a billing period.",
        discussion: "One line per meter (or ArcGIS Online service type) per group, with quantity, unit, effective unit "
            + "price and amount; group subtotals and the total add up to the cent. Each currency is invoiced on its own. "
            + "Usage with no price is listed apart, with a warning on standard error (the exit code stays 0).")

    @Option(help: ArgumentHelp("The billing period.", valueName: "YYYY-MM"))
    var period: String

    @Option(help: "Group by costCenter, user, customer, subscription, resourceGroup or meter.")
    var group: InvoiceGrouping = .costCenter

    @Option(help: ArgumentHelp("Only the usage of this configured source.", valueName: "name"))
    var source: String?

    @Option(help: "table, csv, json, markdown or html (default: table on a terminal, json otherwise).")
    var format: InvoiceFormat?

    @Flag(help: "Show the band-by-band breakdown of tiered prices under each line.")
    var tiers = false

    @Option(help: ArgumentHelp("Write the invoice to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "usage (the invoice: usage in the month of its usage date) or reported (the reconciliation view: Azure usage in the month it was reported in, as Microsoft's reconciliation file has it; table, csv or json).",
            valueName: "basis"))
    var basis: String = "usage"

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            let db = try database.openForReading()
            guard basis == "usage" else { return try reconciliation(db) }
            let invoice = try InvoiceBuilder(db: db).build(
                InvoiceRequest(period: period, grouping: group, source: source, tiers: tiers))
            let chosen = format ?? (output == nil && stdoutIsTerminal ? .table : output.map(InvoiceFormat.forFile) ?? .json)
            try writeOutput(invoice.render(chosen), to: output)
            if let warning = invoice.unpricedWarning { printError("warning: " + warning) }
            if let warning = invoice.rollupWarning { printError("warning: " + warning) }
            if let warning = invoice.pendingWarning { printError("warning: " + warning) }
        }
    }
}

extension InvoiceCommand {
    /// `--basis reported`: `ReconciliationView` (Sources/Query/ReconciliationView.swift).
    func reconciliation(_ db: Database) throws {
        guard basis == "reported" else { throw ValidationError("--basis '\(basis)': expected usage or reported") }
        guard UTCTime.parseMonth(period)?.month == period else { throw ValidationError("--period '\(period)': expected YYYY-MM") }
        let chosen = format ?? (output == nil && stdoutIsTerminal ? .table : output.map(InvoiceFormat.forFile) ?? .json)
        guard let outputFormat = OutputFormat(rawValue: chosen.rawValue) else {
            throw ValidationError("--basis reported prints table, csv or json, not \(chosen.rawValue)")
        }
        try writeOutput(try ReconciliationView(db: db).build(period: period, source: source).render(outputFormat), to: output)
    }
}

extension InvoiceGrouping: ExpressibleByArgument {}
extension InvoiceFormat: ExpressibleByArgument {
    /// The format a file name asks for (`.html`, `.csv`, `.md`, `.json`), else a table.
    static func forFile(_ path: String) -> InvoiceFormat {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "html", "htm": return .html
        case "csv": return .csv
        case "md", "markdown": return .markdown
        case "json": return .json
        default: return .table
        }
    }
}
