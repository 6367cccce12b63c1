import ArgumentParser
import Foundation
import Load
import Pipeline
import Transform
import WarehouseCore
import Streams
import Ingest
import Config

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Load saved API responses and exports from files.",
        discussion: """
            KIND is one of: \(StreamSpec.names). \
            Each file's bytes are stored and its facts upserted, up to 16 files per transaction, read and \
            decoded ahead on a second thread; the billing months the files touch are repriced once, at the \
            end. Importing the same files twice changes nothing. `-` reads standard input; gzip files are \
            read as such. The first file that cannot be read stops the import with one line on standard \
            error; files before it stay imported (and repriced), that file changes nothing. \
            pc-utilization and azure-usage pages answer a reported window (when the usage reached \
            billing): taken from the page's own links, else from --reported-day or \
            --reported-start/--reported-end; a page's rows replace what that window loaded before, \
            and usage reported in other windows adds up.
            """)

    @Option(help: ArgumentHelp("What the files hold (see below).", valueName: "kind"))
    var kind: String

    @Option(help: ArgumentHelp("The source name (default: partnercenter, azure, arcgis or azure-export by kind).", valueName: "name"))
    var source: String?

    @Option(help: ArgumentHelp("The Partner Center customer the file is for, when the file does not say.", valueName: "id"))
    var customer: String?

    @Option(help: ArgumentHelp("The subscription the file is for, when the file does not say.", valueName: "id"))
    var subscription: String?

    @Option(help: ArgumentHelp("The ArcGIS Online org id the file is for.", valueName: "id"))
    var org: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The snapshot day of items, users and portals/self (default: today, UTC).", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Option(
        name: .customLong("reported-day"),
        help: ArgumentHelp("The UTC day the pc-utilization or azure-usage page's usage was reported in, when the page does not say.", valueName: "YYYY-MM-DD"))
    var reportedDay: String?

    @Option(name: .customLong("reported-start"), help: ArgumentHelp("The start of the page's reported window (with --reported-end).", valueName: "time"))
    var reportedStart: String?

    @Option(name: .customLong("reported-end"), help: ArgumentHelp("The end (exclusive) of the page's reported window.", valueName: "time"))
    var reportedEnd: String?

    @Option(help: ArgumentHelp("The configuration file (default: ./warehouse.yaml if present).", valueName: "path"))
    var config: String?

    @OptionGroup var database: DatabaseOptions

    /// A quoted pattern is expanded here, not by the shell: the argument parser reads its
    /// arguments in time that grows with the square of their number (2.5 s for 10,000 files).
    @Argument(
        help: ArgumentHelp(
            "Files to import; - for standard input. A quoted pattern ('pages/*.json') is expanded here, sorted: for thousands of files.",
            valueName: "file"))
    var arguments: [String]

    func run() async throws {
        try await reportingErrors {
            guard !arguments.isEmpty else { throw ValidationError("give at least one file (or - for standard input)") }
            let files = try FileGlob.files(arguments)
            guard let kind = StreamSpec.named(kind) else {
                throw ImportFailure("\(files[0]): unknown kind '\(kind)', expected one of: \(StreamSpec.names)")
            }
            let day = try asOf.map { try ETLCommand.day($0, option: "--as-of") }
            var options = ImportOptions(kind: kind, source: source, customer: customer, subscription: subscription, org: org, asOf: day)
            options.reported = try reportedWindow()
            let settings = try WarehouseConfig.load(path: config)
            let lock: RunLock
            do {
                lock = try RunLock(databasePath: database.path, sources: [options.sourceName], wait: .seconds(settings.lockWaitSeconds))
            } catch let busy as RunLock.Busy {
                printError("\(busy)")
                throw ExitCode(ETLExit.locked)
            }
            defer { withExtendedLifetime(lock) {} }
            let db = try database.openForWriting()
            let importer = Loader(db: db, config: settings)
            let paths = files
            try importer.importFiles(
                files.map { $0 == "-" ? "<stdin>" : $0 }, options: options,
                read: { index in
                    paths[index] == "-" ? try InputFile.read(fd: STDIN_FILENO, name: "<stdin>", regular: false) : try InputFile.read(paths[index])
                },
                each: { summary in
                    for warning in summary.warnings { printError("\(summary.file): warning: \(warning)") }
                    printOut(summary.line + "\n")
                })
        }
    }
}

extension ImportCommand {
    /// `--reported-day`, or `--reported-start` with `--reported-end`: the window a page answers.
    func reportedWindow() throws -> ReportedWindow? {
        switch (reportedDay, reportedStart, reportedEnd) {
        case (nil, nil, nil): return nil
        case (let day?, nil, nil): return ReportedWindow(day: try ETLCommand.day(day, option: "--reported-day"))
        case (nil, let start?, let end?):
            guard let s = UTCTime.parse(start), let e = UTCTime.parse(end), s < e else {
                throw ValidationError("--reported-start '\(start)' and --reported-end '\(end)': expected UTC times, start before end")
            }
            return ReportedWindow(start: s, end: e)
        default: throw ValidationError("give --reported-day, or both --reported-start and --reported-end")
        }
    }
}

/// A failure already worded for the user.
private struct ImportFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
