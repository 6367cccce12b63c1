import ArgumentParser
import Load
import Query

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the schema version, row counts, last runs and checkpoints.")

    @Option(help: "Output format: table, csv, tsv, json or jsonl (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    @OptionGroup var database: AnyDatabaseOptions

    /// A format this command does not print in is a wrong argument (exit 64), refused before anything is read.
    func validate() throws {
        if let format { try validateFormat(format, among: ResultTable.formats, command: "status") }
    }

    func run() async throws {
        try await reportingErrors {
            let status = try await database.reading { try WarehouseStatus.read($0) }
            let chosen = format ?? .defaultFor(terminal: stdoutIsTerminal)
            try OutputFormat.check(chosen, among: ResultTable.formats, command: "status")
            printOut(status.render(chosen))
        }
    }
}
