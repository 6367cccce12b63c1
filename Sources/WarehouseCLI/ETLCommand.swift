import ArgumentParser
import Extract
import Foundation
import Load
import Logging
import Pipeline
import Transport
import WarehouseCore

/// `warehouse etl`: the nightly run, for cron or a systemd timer.
struct ETLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl", abstract: "The nightly run: extract from every configured source, load and price.",
        discussion: """
            Reads sources: from the configuration. Each stream reads from its checkpoint minus the source's \
            repull_days to the end of the last complete UTC day; every page commits with its facts and its \
            checkpoint, so a run killed at any moment loses nothing and the next run resumes. \
            Quiet unless something fails, except on a terminal (a progress line per source).
            Exit codes: 0 all sources ok; 1 another error; 2 configuration error; 3 some source failed or an alert was not sent \
            (the rest is loaded); 4 another run holds the lock.
            """)

    @Option(help: ArgumentHelp("The configuration file (default: ./warehouse.yaml).", valueName: "path"))
    var config: String?

    @Option(name: .customLong("source"), help: ArgumentHelp("Run only this source (repeatable).", valueName: "name"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("Read every windowed stream from this day instead of its checkpoint.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Flag(help: "Ignore checkpoints: read from each source's backfill day and apply every page again.")
    var fullRefresh = false

    @Option(help: ArgumentHelp("text, or json (one JSON object per line on standard error, for log collectors).", valueName: "format"))
    var logFormat: LogFormat = .text

    @Flag(help: "Only check the configuration and its secrets (exit 0, or 2 naming the problem); nothing is read or written.")
    var check = false

    @Option(name: .customLong("now"), help: .hidden)
    var now: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        var options = ETLOptions()
        options.sources = sources
        options.fullRefresh = fullRefresh
        do {
            options.since = try since.map { try Self.day($0, option: "--since") }
            options.now = try now.map { try Self.time($0) } ?? .now()
        } catch {
            printError("\(error)")
            throw ExitCode(ETLExit.configuration)
        }
        let console = ETLConsole(format: logFormat)
        // As curl does: CURL_CA_BUNDLE names the CAs to trust (a TLS-inspecting proxy's, the
        // sandbox's over HTTPS) instead of the system's.
        let caBundle = ProcessInfo.processInfo.environment["CURL_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        let code = check
            ? console.check(databasePath: database.path, configPath: config, options: options)
            : await console.run(databasePath: database.path, configPath: config, options: options, http: HTTPClientConfiguration(caBundle: caBundle))
        if code != 0 { throw ExitCode(code) }
    }

    static func day(_ text: String, option: String) throws -> UTCTime {
        guard text.count == 10, let day = UTCTime.parse(text) else { throw ValidationError("\(option) '\(text)': expected a day as YYYY-MM-DD") }
        return day
    }

    static func time(_ text: String) throws -> UTCTime {
        guard let time = UTCTime.parse(text) else { throw ValidationError("--now '\(text)': expected YYYY-MM-DDTHH:MM:SSZ") }
        return time
    }
}

enum LogFormat: String, ExpressibleByArgument, Sendable {
    case text, json
}
