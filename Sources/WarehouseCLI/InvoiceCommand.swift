import ArgumentParser
import Foundation
import Load
import Query
import WarehouseCore

struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice", abstract: "Print an itemized invoice for a billing period.",
        discussion: "One line per meter (or ArcGIS Online service type) per group, with quantity, unit, unit price "
            + "(the price list's where one price applies; else the average, noted on standard error, or marked ~ when "
            + "derived from a billed cost) and amount; group subtotals and the total add up to the cent. "
            + "Same-named meters in a group are told apart by sub-category, region or meter id. Each currency is invoiced on its own. "
            + "Usage with no price is listed apart, with a warning on standard error (the exit code stays 0).")

    @Option(help: ArgumentHelp("The billing period.", valueName: "YYYY-MM"))
    var period: String

    @Option(help: "Group by costCenter, user, customer, subscription, resourceGroup or meter.")
    var group: InvoiceGrouping = .costCenter

    @Option(help: ArgumentHelp("Only the usage of this configured source.", valueName: "name"))
    var source: String?

    @Option(help: "table, csv, json, markdown or html (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    @Flag(help: "Show the band-by-band breakdown of tiered prices under each line.")
    var tiers = false

    @Option(help: ArgumentHelp("Write the invoice to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "usage (the invoice: usage in the month of its usage date) or reported (the reconciliation view: Azure usage in the month it was reported in, as Microsoft's reconciliation file has it; table, csv, tsv, json or jsonl).",
            valueName: "basis"))
    var basis: InvoiceBasis = .usage

    @OptionGroup var database: AnyDatabaseOptions

    /// A format this command does not print in is a wrong argument (exit 64), refused before anything is read.
    func validate() throws {
        if let format { try validateFormat(format, among: formats, command: command) }
    }

    /// What each basis prints in: the invoice, or the reconciliation view's table.
    var formats: [OutputFormat] { basis == .usage ? Invoice.formats : ResultTable.formats }
    var command: String { basis == .usage ? "invoice" : "invoice --basis reported" }

    func run() async throws {
        try await reportingErrors {
            try checkOutput(output, warehouse: database.text)
            let chosen = format ?? (output == nil && stdoutIsTerminal ? .table : output.map(OutputFormat.forFile) ?? .json)
            try OutputFormat.check(chosen, among: formats, command: command)
            guard basis == .usage else { return try await database.reading { try reconciliation($0, format: chosen) } }
            let request = InvoiceRequest(period: period, grouping: group, source: source, tiers: tiers)
            let invoice = try await database.reading { try InvoiceBuilder(db: $0).build(request) }
            try writeOutput(invoice.render(chosen), to: output)
            if let warning = invoice.unpricedWarning { printError("warning: " + warning) }
            if let warning = invoice.rollupWarning { printError("warning: " + warning) }
            if let warning = invoice.pendingWarning { printError("warning: " + warning) }
            // The note explains prices as people read them; programs reading CSV or JSON get no chatter.
            if chosen != .json, chosen != .csv, let note = invoice.unitPriceNote { printError("note: " + note) }
        }
    }
}

extension InvoiceCommand {
    /// `--basis reported`: `ReconciliationView` (Sources/Query/ReconciliationView.swift).
    func reconciliation(_ db: any WarehouseReader, format: OutputFormat) throws {
        guard UTCTime.parseMonth(period)?.month == period else { throw ValidationError("--period '\(period)': expected YYYY-MM") }
        try writeOutput(try ReconciliationView(db: db).build(period: period, source: source).render(format), to: output)
    }
}

/// `--basis`: what puts usage in a billing month.
enum InvoiceBasis: String, ExpressibleByArgument {
    /// The invoice (chargeback): usage in the month of its usage date.
    case usage
    /// The reconciliation view: Azure usage in the month it was reported in.
    case reported
}

extension InvoiceGrouping: ExpressibleByArgument {}
