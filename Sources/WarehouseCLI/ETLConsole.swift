import Extract
import Foundation
import Load
import Logging
import Pipeline
import Synchronization
import WarehouseCore
import Transport
import Config

/// What `etl` (and `demo`) print while and after running: a progress line per source on a
/// terminal, nothing under cron unless something fails, or JSON lines for log collectors; and
/// the exit code that tells cron what happened.
struct ETLConsole: Sendable {
    let format: LogFormat
    var quiet = false

    init(format: LogFormat, quiet: Bool = false) {
        self.format = format
        self.quiet = quiet
    }

    var isTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// Loads the configuration, runs, reports; returns the exit code.
    func run(databasePath: String, configPath: String?, options: ETLOptions, http: HTTPClientConfiguration = HTTPClientConfiguration()) async -> Int32 {
        let config: WarehouseConfig
        do {
            config = try WarehouseConfig.load(path: configPath ?? WarehouseConfig.defaultFileName)
        } catch {
            report(error: "\(error)")
            return ETLExit.configuration
        }
        let logger = makeLogger()
        let client = HTTPClient(configuration: http, logger: logger)
        let line = ProgressLine(enabled: format == .text && isTerminal && !quiet)
        let run = ETLRun(databasePath: databasePath, config: config, options: options, http: client, logger: logger) { progress in
            line.show(progress)
        }
        do {
            let report = try await run.run()
            summarize(report)
            return report.exitCode
        } catch let error as ConfigError {
            report(error: "\(error)")
            return ETLExit.configuration
        } catch let error as RunLock.Busy {
            report(error: "\(error)")
            return ETLExit.locked
        } catch {
            report(error: "\(error)")
            return ETLExit.error
        }
    }

    /// `etl --check`: loads the configuration and resolves every source's secrets, then says
    /// what a run would pull; exit 0, or 2 with the one-line configuration error.
    func check(databasePath: String, configPath: String?, options: ETLOptions) -> Int32 {
        do {
            let config = try WarehouseConfig.load(path: configPath ?? WarehouseConfig.defaultFileName)
            let run = ETLRun(databasePath: databasePath, config: config, options: options, http: HTTPClient(), logger: makeLogger())
            let sources = try run.check()
            printOut("\(config.path ?? WarehouseConfig.defaultFileName): ok; \(sources.count) source(s) would run: "
                + sources.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", "))
            return ETLExit.ok
        } catch {
            report(error: "\(error)")
            return ETLExit.configuration
        }
    }

    func makeLogger() -> Logger {
        switch format {
        case .json:
            return Logger(label: "warehouse.etl") { JSONLinesLogHandler(label: $0, level: .notice) }
        case .text:
            var logger = Logger(label: "warehouse.etl") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .error
            return logger
        }
    }

    func report(error: String) {
        switch format {
        case .json: JSONLinesLogHandler.write([("time", UTCTime.now().iso8601), ("level", "error"), ("event", "run"), ("message", error)])
        case .text: printError(error)
        }
    }

    func summarize(_ report: ETLReport) {
        let pages = report.results.reduce(0) { $0 + $1.pages }
        let records = report.results.reduce(0) { $0 + $1.records }
        switch format {
        case .json:
            for r in report.results {
                JSONLinesLogHandler.write([
                    ("time", UTCTime.now().iso8601), ("level", r.ok ? "info" : "error"), ("event", "source"), ("source", r.name),
                    ("status", r.ok ? "ok" : "failed"), ("pages", "\(r.pages)"), ("records", "\(r.records)"), ("written", "\(r.written)"),
                    ("seconds", String(format: "%.1f", r.seconds)), ("windows", r.windows.joined(separator: "; ")),
                    ("error", r.errors.joined(separator: "; ")),
                ])
            }
            JSONLinesLogHandler.write([
                ("time", UTCTime.now().iso8601), ("level", report.exitCode == 0 ? "info" : "error"), ("event", "run"),
                ("run_id", "\(report.runID)"), ("status", report.status.rawValue), ("pages", "\(pages)"), ("records", "\(records)"),
                ("alerts_sent", "\(report.alertsSent)"), ("alerts_failed", "\(report.alertsFailed)"), ("alerts_error", report.alertsError ?? ""),
            ])
        case .text:
            for r in report.results where !r.ok {
                printError("etl: source '\(r.name)' failed after \(r.pages) pages: \(r.errors.joined(separator: "; "))")
            }
            if let error = report.alertsError { printError("etl: alerts: \(error)") }
            if report.alertsFailed > 0 {
                printError("etl: \(report.alertsFailed) alert message(s) could not be sent; the next run retries them (see `warehouse alerts`)")
            }
            if report.status != .ok {
                let failed = report.results.filter { !$0.ok }.count
                printError("etl run \(report.runID): \(report.status.rawValue) (\(failed) of \(report.results.count) sources failed; what loaded is kept, the next run resumes)")
            } else if isTerminal && !quiet {
                printError("etl run \(report.runID): ok, \(report.results.count) sources, \(pages) pages, \(records) records, \(report.repriced.scopes) scopes repriced"
                    + (report.alertsSent > 0 ? ", \(report.alertsSent) alert message(s) sent" : ""))
            }
        }
    }
}

/// One line per source on a terminal, rewritten in place as pages arrive.
final class ProgressLine: Sendable {
    let enabled: Bool
    private let last = Mutex<(source: String, at: UInt64)>(("", 0))

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ p: ETLProgress) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let draw = last.withLock { state -> Bool in
            // At most ten redraws a second; always the final one.
            if p.finished == nil, state.source == p.source, now - state.at < 100_000_000 { return false }
            state = (p.source, now)
            return true
        }
        guard draw else { return }
        let rate = p.seconds > 0 ? Int(Double(p.records) / p.seconds) : 0
        var text = "\(p.source): \(p.pages) pages, \(p.records) records, \(rate) records/s"
        if let result = p.finished {
            text += result.ok ? String(format: " — ok in %.1f s", result.seconds) : " — FAILED"
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)\(p.finished == nil ? "" : "\n")".utf8))
    }
}
