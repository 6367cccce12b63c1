import ArgumentParser
import Foundation
import Postgres

/// `warehouse copy --from A --to B`: a whole warehouse from SQLite to PostgreSQL or back.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole warehouse between a SQLite file and a PostgreSQL database.",
        discussion: """
            Either side is a file or postgres://user@host:port/database (password from PGPASSWORD or ~/.pgpass). \
            The destination must be a fresh warehouse: an empty database, a new file, or one `warehouse init` made. \
            Everything is written in one transaction, and committed only when every table's row count and the \
            invoice totals (charges per period and currency, charge_totals) agree with the source.
            """)

    @Option(help: ArgumentHelp("The warehouse to copy.", valueName: "path|url"))
    var from: String

    @Option(help: ArgumentHelp("The fresh warehouse to copy into.", valueName: "path|url"))
    var to: String

    func run() async throws {
        try await reportingErrors {
            let source = try WarehouseLocation.parse(from), destination = try WarehouseLocation.parse(to)
            let report = try await WarehouseCopy.copy(from: source, to: destination)
            printOut("copied \(report.tables.count) tables, \(report.totalRows) rows: \(source) → \(destination); counts and invoice totals agree\n")
        }
    }
}
