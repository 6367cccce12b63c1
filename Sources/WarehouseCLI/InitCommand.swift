import ArgumentParser
import Load

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the warehouse file or migrate it to the latest schema (a no-op when current).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await reportingErrors {
            let db = try database.openForWriting()
            let version = try db.schemaVersion()
            printOut("\(database.path): schema version \(version)\n")
        }
    }
}
