import Extract
import Foundation
import Streams
import Config
import Transport
import Logging
import Transform
import WarehouseCore

/// One source's part of the nightly run: which streams it has, how each is windowed and paged,
/// and how each page is loaded. Usage streams are read one UTC day per request, a day's last
/// page advancing the stream's checkpoint, so a run killed anywhere resumes at the first day not
/// wholly stored, and every run asks the API the same question about a day.
struct SourcePull {
    let source: SourceConfiguration
    let credentials: SourceCredentials
    let options: ETLOptions
    let http: HTTPClient
    let logger: Logger
    let loader: SourceLoader

    /// Runs the source's streams; returns the windows read. The first error ends the source.
    func run() async throws -> [String] {
        switch (source.kind, credentials) {
        case (.partnercenter, .azureAD(let credentials)): return try await partnerCenter(credentials)
        case (.azure, .azureAD(let credentials)): return try await azureCommerce(credentials)
        case (.arcgis, .arcgis(let credentials)): return try await arcgis(credentials)
        case (.files, _): return try files()
        default: throw ConfigError(file: "", key: "sources[\(source.name)]", message: "credentials do not fit kind \(source.kind.rawValue)")
        }
    }

    func options(_ kind: StreamSpec, customer: String? = nil, subscription: String? = nil, org: String? = nil, asOf: UTCTime? = nil) -> ImportOptions {
        ImportOptions(kind: kind, source: source.name, customer: customer, subscription: subscription, org: org, asOf: asOf)
    }

    func window(_ stream: String) throws -> StreamWindow? {
        StreamWindow.compute(
            checkpoint: options.fullRefresh ? nil : try loader.highWater(stream), repullDays: source.repullDays, backfillFrom: source.backfillFrom,
            since: options.since, fullRefresh: options.fullRefresh, now: options.now)
    }

    /// Runs `body` for each target, `concurrency` at a time; every target runs even when
    /// another fails, and the errors are thrown together at the end.
    func forEach<T: Sendable>(_ targets: [T], _ body: @escaping @Sendable (T) async throws -> String?) async throws -> [String] {
        var windows: [String] = []
        var errors: [String] = []
        await withTaskGroup(of: Result<String?, any Error>.self) { group in
            var next = 0
            func startOne() {
                let target = targets[next]
                next += 1
                group.addTask {
                    do { return .success(try await body(target)) } catch { return .failure(error) }
                }
            }
            while next < targets.count && next < source.concurrency { startOne() }
            while let result = await group.next() {
                switch result {
                case .success(let window): if let window { windows.append(window) }
                case .failure(let error): errors.append("\(error)")
                }
                if next < targets.count { startOne() }
            }
        }
        if !errors.isEmpty { throw SourceFailure(errors: errors) }
        return windows.sorted()
    }

    /// Loads a usage stream day by day: `fetch(day, nextDay, each)` asks the API about one UTC
    /// day and hands each page to `each`. Reported-window streams load a day's pages together, as
    /// the day's whole answer (`Loader.loadWindow`). Otherwise a day's last page carries the checkpoint; pages
    /// identical to stored ones are skipped until the first page that differs, after which every
    /// later page is applied again (in order, so a correction read later still wins). No day
    /// before `earliest` is asked for (what the API no longer keeps).
    func daily(
        stream: String, options importOptions: ImportOptions, earliest: UTCTime? = nil,
        fetch: (UTCTime, UTCTime, (FetchedPage) async throws -> Void) async throws -> Void
    ) async throws -> String? {
        guard var window = try window(stream) else { return nil }
        if let earliest, window.start < earliest { window = StreamWindow(start: earliest, end: window.end) }
        var applyAll = options.fullRefresh
        for day in window.days {
            let next = day.adding(days: 1)
            if importOptions.kind.replaces == .reportedWindow {
                // A reported day's whole answer replaces its earlier one (Loader+ReportedWindow.swift).
                var dayOptions = importOptions
                dayOptions.reported = ReportedWindow(start: day, end: next)
                var pages: [FetchedPage] = []
                try await fetch(day, next) { pages.append($0) }
                try loader.loadWindow(pages, options: dayOptions, checkpoint: (stream, next))
                continue
            }
            try await fetch(day, next) { page in
                let new = try loader.load(
                    page, options: importOptions, checkpoint: page.hasMore ? nil : (stream, next), skipIfStored: !applyAll)
                if new { applyAll = true }
            }
        }
        return "\(stream): \(window)"
    }
}

/// Several targets (subscriptions) of one source failed.
struct SourceFailure: Error, CustomStringConvertible {
    let errors: [String]
    var description: String {
        errors.count == 1 ? errors[0] : "\(errors.count) streams failed; first: \(errors[0])"
    }
}
