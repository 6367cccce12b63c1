import ArgumentParser
import Foundation
import Load
import Pipeline
import Ingest
import Config

/// `warehouse rebuild`: facts and charges again from the stored raw pages, no API calls.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Re-derive usage facts and charges from the stored raw pages, without calling any API.",
        discussion: """
            For after a change of cost-center rules, prices or credit price in the configuration, or an upgrade \
            that reads a source differently. One transaction: a rebuild that fails changes nothing. Takes the \
            same lock as `etl`. Exit codes as for `etl` (0 ok, 1 error, 2 configuration, 4 locked).
            """)

    @Option(help: ArgumentHelp("Only this billing month.", valueName: "YYYY-MM"))
    var period: String?

    @Option(help: ArgumentHelp("The configuration file (default: ./warehouse.yaml if present).", valueName: "path"))
    var config: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let settings: WarehouseConfig
        do {
            settings = try WarehouseConfig.load(path: config)
        } catch {
            printError("\(error)")
            throw ExitCode(ETLExit.configuration)
        }
        do {
            let lock = try RunLock(databasePath: database.path, wait: .seconds(settings.lockWaitSeconds))
            let summary = try withExtendedLifetime(lock) {
                try Rebuild(db: try database.openForWriting(), config: settings).run(period: period)
            }
            printOut(
                "rebuild run \(summary.runID): \(summary.pages) raw pages read, \(summary.usageRows) usage rows, "
                    + "\(summary.repriced.scopes) scopes repriced\(period.map { " (\($0))" } ?? "")\n")
        } catch let error as RunLock.Busy {
            printError("\(error)")
            throw ExitCode(ETLExit.locked)
        } catch {
            printError("rebuild: \(error)")
            throw ExitCode(ETLExit.error)
        }
    }
}
