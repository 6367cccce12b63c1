import ArgumentParser
import Load
import Postgres

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the warehouse file or migrate it to the latest schema (a no-op when current).",
        discussion: "With --db postgres://user@host:port/database, creates the warehouse's tables and views in that "
            + "database (empty), or migrates the one there to this build's version (a no-op when current).")

    @OptionGroup var database: AnyDatabaseOptions

    func run() async throws {
        try await reportingErrors {
            switch try database.location() {
            case .sqlite(let path):
                let db = try Database.openWarehouse(path: path)
                let version = try db.schemaVersion()
                printOut("\(path): schema version \(version)\n")
            case .postgres(let url):
                let version = try await PostgresSession.with(url) { try $0.initializeWarehouse() }
                printOut("\(url.redacted): schema version \(version)\n")
            }
        }
    }
}
