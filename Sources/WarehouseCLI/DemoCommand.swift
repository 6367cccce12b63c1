import ArgumentParser
import Foundation
import Pipeline
import WarehouseCore
import Config

/// `warehouse demo`: the whole pipeline on the built-in sandbox, in one command.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the whole pipeline against the built-in sandbox and print an invoice.",
        discussion: """
            Starts the sandbox on 127.0.0.1 (a free port), writes a configuration for it beside the warehouse \
            (DB.yaml and the owner-only DB.secrets), runs `warehouse etl` over a synthetic CSP partner and an \
            ArcGIS Online org from the first day of last month (of the month before on the 1st) to yesterday, and \
            prints the invoice of the last complete month by cost center and its top credit users. Running it \
            again re-pulls the last days and changes nothing.
            """)

    @Option(help: ArgumentHelp("The demo warehouse: a file, or postgres://user@host:port/database.", valueName: "path|url"))
    var db = "warehouse-demo.db"

    @Option(help: "Seed of the synthetic organizations.")
    var seed: UInt64 = 42

    @Option(name: .customLong("now"), help: .hidden)
    var now: String?

    @Option(help: IncidentsOption.help)
    var incidents: String?

    @Option(help: ArgumentHelp("Pull from this day instead of the first day of last month.", valueName: "YYYY-MM-DD"))
    var since: String?

    func run() async throws {
        var code: Int32 = ETLExit.configuration
        do {
            let clock = try now.map { try ETLCommand.time($0) } ?? .now()
            let start = try since.map { try ETLCommand.day($0, option: "--since") }
            let planted = try IncidentsOption.parse(incidents, now: clock)
            code = try await DemoRun(databasePath: db, seed: seed, now: clock, since: start, incidents: planted).run()
        } catch {
            printError("demo: \(error)")
            code = ETLExit.error
        }
        if code != 0 { throw ExitCode(code) }
    }
}
