import ArgumentParser
import Load
import Query

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the schema version, row counts, last runs and checkpoints.")

    @Option(help: "Output format: table or json (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            let db = try database.openForReading()
            let status = try WarehouseStatus.read(db)
            printOut(status.render(format ?? .defaultFor(terminal: stdoutIsTerminal)))
        }
    }
}
