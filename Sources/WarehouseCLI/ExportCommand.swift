import ArgumentParser
import Foundation
import Load
import Query

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export priced charges in standard formats.",
        subcommands: [FocusExportCommand.self])
}

struct FocusExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "focus", abstract: "The priced charges of a period as a FOCUS CSV (1.2 or 1.0), one row per charge.",
        discussion: """
            FinOps Open Cost and Usage Specification (https://focus.finops.org). Azure rows follow Microsoft's \
            "Convert Cost Management data to FOCUS" with the FinOps toolkit's open data; ArcGIS Online credits are Esri rows.
            """)

    @Option(help: ArgumentHelp("The billing period.", valueName: "YYYY-MM"))
    var period: String

    @Option(name: .customLong("focus-version"), help: ArgumentHelp("The FOCUS version: 1.2 or 1.0.", valueName: "version"))
    var version: FocusVersion = .v1_2

    @Option(help: ArgumentHelp("Write the CSV to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var database: AnyDatabaseOptions

    func run() async throws {
        try await reportingErrors {
            try checkOutput(output, warehouse: database.text)
            let file = try OutputWriter(path: output)
            let export = try await database.reading { try FocusExport(db: $0).write(period: period, version: version, to: file.write) }
            try file.finish()
            if export.unpricedRecords > 0 {
                printError("warning: \(export.unpricedRecords) unpriced usage record(s) in \(period) are not in the export")
            }
        }
    }
}

extension FocusVersion: ExpressibleByArgument {}
