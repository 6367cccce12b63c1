import Alerts
import Config
import Extract
import Foundation
import Ingest
import Load
import Logging
import Marts
import Transport
import WarehouseCore

/// What `warehouse etl` was asked to do.
public struct ETLOptions: Sendable {
    /// Source names to run; empty = every configured source.
    public var sources: [String] = []
    /// Read windowed streams from this day instead of checkpoint minus re-pull.
    public var since: UTCTime?
    /// Ignore checkpoints: read from each source's backfill day and apply every page again.
    public var fullRefresh = false
    /// The run's clock: windows end at the start of this UTC day (tests and replays set it).
    public var now: UTCTime = .now()
    /// `etl_runs.command`: `etl`, or `demo` for the demo's run.
    public var command = "etl"

    public init() {}
}

/// How one source's part of a run ended.
public struct SourceResult: Sendable {
    public var name: String
    public var kind: SourceConfiguration.Kind
    public var ok: Bool { errors.isEmpty }
    public var pages = 0
    public var skippedPages = 0
    public var records = 0
    public var written = 0
    /// Windows read, as `stream: first..last day`.
    public var windows: [String] = []
    public var errors: [String] = []
    public var warnings: [String] = []
    public var seconds = 0.0

    public init(name: String, kind: SourceConfiguration.Kind) {
        self.name = name
        self.kind = kind
    }
}

/// The outcome of a run, and the exit code that says it to cron.
public struct ETLReport: Sendable {
    public var runID: Int64
    public var results: [SourceResult]
    public var repriced = RepriceSummary()
    /// The alerts sent after loading (when mail or ArcGIS delivery is configured): sent and
    /// failed messages, or why the alert run itself failed.
    public var alertsSent = 0
    public var alertsFailed = 0
    public var alertsError: String?

    public enum Status: String, Sendable { case ok, partial, failed }
    public var status: Status {
        if results.allSatisfy(\.ok) { return .ok }
        return results.contains(where: \.ok) ? .partial : .failed
    }

    /// 0 every source ok and every alert sent; 3 some source failed (what the others loaded
    /// stays) or an alert could not be sent (it is retried next run). `ETLExit` lists all.
    public var exitCode: Int32 { status == .ok && alertsFailed == 0 && alertsError == nil ? ETLExit.ok : ETLExit.sourcesFailed }
}

/// The exit codes of `etl`, `rebuild` and `demo`, documented in the README for cron and systemd.
public enum ETLExit {
    public static let ok: Int32 = 0
    /// Something outside any one source (the database cannot be opened, a disk is full).
    public static let error: Int32 = 1
    /// The configuration (or a secret it names) is missing or wrong; nothing ran.
    public static let configuration: Int32 = 2
    /// One or more sources failed; every batch that committed stays, the next run resumes.
    public static let sourcesFailed: Int32 = 3
    /// Another run held the warehouse's lock for longer than `lock_wait_seconds`.
    public static let locked: Int32 = 4
}

/// Progress for the terminal: one source's counts so far.
public struct ETLProgress: Sendable {
    public var source: String
    public var pages: Int
    public var records: Int
    public var seconds: Double
    public var finished: SourceResult?
}

/// `warehouse etl`: takes the warehouse's lock, then, source by source, pulls each stream's
/// window and loads it page by page (`SourceLoader` over the one `Loader`), reprices the months that changed
/// (`RepriceQueue`), and records the run in `etl_runs`. A source that fails is recorded and the
/// next one runs; its committed pages stay and its checkpoints say where to resume.
public struct ETLRun {
    let databasePath: String
    let config: WarehouseConfig
    let options: ETLOptions
    let http: HTTPClient
    let logger: Logger
    let progress: @Sendable (ETLProgress) -> Void

    public init(
        databasePath: String, config: WarehouseConfig, options: ETLOptions, http: HTTPClient, logger: Logger,
        progress: @escaping @Sendable (ETLProgress) -> Void = { _ in }
    ) {
        self.databasePath = databasePath
        self.config = config
        self.options = options
        self.http = http
        self.logger = logger
        self.progress = progress
    }

    /// The sources to run, in configuration order; an unknown `--source` or a missing secret is
    /// a `ConfigError` before anything is touched.
    func plan() throws -> [(SourceConfiguration, SourceCredentials)] {
        let file = config.path ?? WarehouseConfig.defaultFileName
        guard !config.sources.isEmpty else {
            throw ConfigError(file: file, key: "sources", message: "no sources configured; add a sources: list (see README, \"The nightly run\")")
        }
        for name in options.sources where !config.sources.contains(where: { $0.name == name }) {
            throw ConfigError(
                file: file, key: "sources", message: "no source named '\(name)' (configured: \(config.sources.map(\.name).joined(separator: ", ")))")
        }
        let secrets = try config.secretStore(environment: ProcessInfo.processInfo.environment)
        return try config.sources.filter { options.sources.isEmpty || options.sources.contains($0.name) }.map {
            ($0, try SourceCredentials(source: $0, secrets: secrets))
        }
    }

    /// `etl --check`: the configuration and every secret it names are usable; returns the
    /// sources a run would pull, touching neither the warehouse nor the network.
    public func check() throws -> [SourceConfiguration] {
        try plan().map(\.0)
    }

    /// Runs every planned source. Throws only for what stops the whole run (configuration,
    /// lock, database); a failing source is in the report.
    public func run() async throws -> ETLReport {
        let plan = try plan()
        let lock = try RunLock(databasePath: databasePath, sources: plan.map(\.0.name), wait: .seconds(config.lockWaitSeconds))
        defer { withExtendedLifetime(lock) {} }
        let db = try Database.openWarehouse(path: databasePath)
        let started = UTCTime.now()
        let log: RunLog = try db.transaction {
            // We hold the lock: a run still marked running died without finishing.
            try RunLog.markInterrupted(db, at: started)
            let log = try RunLog.start(db, command: options.command, at: started)
            // Before the row commits, so no other run ever sees it running and unclaimed.
            try lock.claim(runID: log.runID)
            return log
        }
        let runID = log.runID
        let loader = Loader(db: db, config: config)
        var report = ETLReport(runID: runID, results: [])
        // Months a killed run queued and never repriced.
        report.repriced = try loader.drain()
        for (source, credentials) in plan {
            report.results.append(await pull(source, credentials, loader: loader, runID: runID, repriced: &report.repriced))
        }
        if config.canSendAlerts {
            // After loading, so the alerts see tonight's figures; their own `etl_runs` row and
            // no-spam ledger make a rerun send only what is new or failed.
            do {
                let alerts = try await AlertRun(db: db, config: config).run(notify: true, now: options.now)
                report.alertsSent = alerts.sent
                report.alertsFailed = alerts.failed
            } catch {
                report.alertsError = "\(error)"
            }
        }
        try db.transaction {
            try log.finish(
                status: report.status.rawValue, pages: report.results.reduce(0) { $0 + $1.pages }, records: report.results.reduce(0) { $0 + $1.records },
                detail: report.detail)
        }
        return report
    }

    /// One source's part of the run: its streams pulled and loaded, then the months they
    /// touched repriced. Its failure is recorded in the result, never thrown.
    private func pull(
        _ source: SourceConfiguration, _ credentials: SourceCredentials, loader: Loader, runID: Int64, repriced: inout RepriceSummary
    ) async -> SourceResult {
        var result = SourceResult(name: source.name, kind: source.kind)
        let clock = ContinuousClock()
        let began = clock.now
        let progress = self.progress
        let sourceLoader = SourceLoader(loader: loader, runID: runID, source: source.name) { counts in
            let elapsed = clock.now - began
            progress(ETLProgress(source: source.name, pages: counts.pages, records: counts.records, seconds: elapsed.seconds, finished: nil))
        }
        do {
            result.windows = try await SourcePull(
                source: source, credentials: credentials, options: options, http: http, logger: logger, loader: sourceLoader
            ).run()
        } catch {
            result.errors.append("\(error)")
        }
        let counts = sourceLoader.snapshot
        result.pages = counts.pages
        result.skippedPages = counts.skipped
        result.records = counts.records
        result.written = counts.written
        result.warnings = counts.warnings
        do {
            repriced.add(try loader.drain())
        } catch {
            result.errors.append("repricing: \(error)")
        }
        result.seconds = (clock.now - began).seconds
        progress(ETLProgress(source: source.name, pages: result.pages, records: result.records, seconds: result.seconds, finished: result))
        return result
    }
}

extension ETLReport {
    /// The `etl_runs.detail` object: per source its counts, windows and errors.
    var detail: [JSONObject.Member] {
        func number(_ n: Int) -> JSONValue { .number(String(n)) }
        let sources = results.map { r in
            JSONObject.Member(
                key: r.name,
                value: .object(
                    JSONObject([
                        .init(key: "kind", value: .string(r.kind.rawValue)), .init(key: "status", value: .string(r.ok ? "ok" : "failed")),
                        .init(key: "pages", value: number(r.pages)), .init(key: "skipped_pages", value: number(r.skippedPages)),
                        .init(key: "records", value: number(r.records)), .init(key: "written", value: number(r.written)),
                        .init(key: "windows", value: .array(r.windows.map { .string($0) })),
                        .init(key: "errors", value: .array(r.errors.map { .string($0) })),
                        .init(key: "warnings", value: .array(r.warnings.map { .string($0) })),
                    ])))
        }
        return [
            .init(key: "sources", value: .object(JSONObject(sources))),
            RunLog.member("repriced_scopes", repriced.scopes), RunLog.member("repriced_charges", repriced.charges),
            RunLog.member("alerts_sent", alertsSent), RunLog.member("alerts_failed", alertsFailed), RunLog.member("alerts_error", alertsError),
        ]
    }
}
