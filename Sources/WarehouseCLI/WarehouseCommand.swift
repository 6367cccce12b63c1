import ArgumentParser
import Postgres

/// The `warehouse` command: one subcommand per file, each parsing its arguments and calling a library.
public struct WarehouseCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "warehouse",
        abstract: "A usage warehouse for ArcGIS Online credits and Azure consumption: extract, price, invoice.",
        discussion: """
            The database is --db PATH, else $WAREHOUSE_DB, else ./warehouse.db; every command also takes \
            postgres://user@host:port/database (the password from PGPASSWORD or ~/.pgpass, never the URL). \
            Start with `warehouse demo`, which runs the whole pipeline against the built-in sandbox.
            """,
        version: BuildInfo.version,
        subcommands: [
            InitCommand.self, ImportCommand.self, ETLCommand.self, RebuildCommand.self, InvoiceCommand.self, SQLCommand.self,
            StatusCommand.self, AlertsCommand.self, DemoCommand.self, SandboxCommand.self,
            ReportCommand.self, ExportCommand.self,
            CreditsCommand.self, CopyCommand.self,
        ])

    public init() {}

    /// Runs the command line, letting `warehouse sql … -p n -7` through as documented: the argument
    /// parser would take `-7` for an option, so a negative number right after `-p NAME` is marked
    /// here and unmarked by `SQLCommand`.
    public static func main() async {
        PostgresRemote.register()
        await main(SQLCommand.markingNegativeValues(Array(CommandLine.arguments.dropFirst())))
    }
}
