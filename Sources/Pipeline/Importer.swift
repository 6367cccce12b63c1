import Extract
import Foundation
import Load
import Transform
import WarehouseCore

/// What the document does not say about itself: `--customer`, `--subscription`, `--org`, `--as-of`.
public struct ImportOptions: Sendable {
    public var kind: ImportKind
    public var source: String?
    public var customer: String?
    public var subscription: String?
    public var org: String?
    /// The snapshot day of items, users and portals/self (default: today, UTC).
    public var asOf: UTCTime?
    /// The reported window a utilization or UsageAggregates page answers, when the page does not
    /// say (`--reported-day`, `--reported-start`/`--reported-end`; the nightly run's day).
    public var reported: ReportedWindow?

    public init(
        kind: ImportKind, source: String? = nil, customer: String? = nil, subscription: String? = nil, org: String? = nil, asOf: UTCTime? = nil,
        reported: ReportedWindow? = nil
    ) {
        self.reported = reported
        self.kind = kind
        self.source = source
        self.customer = customer
        self.subscription = subscription
        self.org = org
        self.asOf = asOf
    }

    public var sourceName: String { source ?? kind.defaultSource }

    /// The `raw_pages.context` JSON: the options given, so `rebuild` can re-derive the facts.
    public var contextJSON: String {
        var members: [JSONObject.Member] = []
        if let customer { members.append(.init(key: "customer", value: .string(customer))) }
        if let subscription { members.append(.init(key: "subscription", value: .string(subscription))) }
        if let org { members.append(.init(key: "org", value: .string(org))) }
        if let asOf { members.append(.init(key: "as_of", value: .string(asOf.day))) }
        if let reported {
            members.append(.init(key: "reported_start", value: .string(reported.start.iso8601)))
            members.append(.init(key: "reported_end", value: .string(reported.end.iso8601)))
        }
        return JSONValue.object(JSONObject(members)).serialized
    }

    /// The options a stored page was loaded with, read back from its `contextJSON` (what
    /// `warehouse rebuild` decodes each page with); nil when `context` is not a JSON object.
    public init?(kind: ImportKind, source: String, contextJSON context: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(context.utf8)) as? [String: Any] else { return nil }
        self.init(
            kind: kind, source: source, customer: object["customer"] as? String, subscription: object["subscription"] as? String,
            org: object["org"] as? String, asOf: (object["as_of"] as? String).flatMap { UTCTime.parse($0) })
        if let start = (object["reported_start"] as? String).flatMap({ UTCTime.parse($0) }),
            let end = (object["reported_end"] as? String).flatMap({ UTCTime.parse($0) })
        {
            reported = ReportedWindow(start: start, end: end)
        }
    }
}

/// The outcome of importing one file.
public struct ImportSummary: Sendable {
    public var file: String
    public var kind: ImportKind
    public var source: String
    public var records: Int
    public var counts: FactWriter.Counts
    public var newPage: Bool
    public var periods: Set<String>
    public var warnings: [String]

    /// One line for the terminal or a log.
    public var line: String {
        "\(file): \(kind.rawValue) into '\(source)': \(records) records, \(counts.written) rows new or changed, "
            + "\(counts.unchanged) unchanged\(newPage ? "" : " (file already stored)")"
    }
}

/// An import that failed: one line naming the file.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { message.hasPrefix(file + ":") ? message : "\(file): \(message)" }
}

/// `warehouse import` and the nightly run's loader: a document's bytes go to `raw_pages`, its
/// facts are upserted and the billing months it touches are queued for repricing, all in one
/// transaction; the queue is then drained (`RepriceQueue`). A document that cannot be read
/// changes nothing: it is decoded before the transaction starts, and any later failure rolls the
/// transaction back.
public struct Importer {
    let db: Database
    let config: WarehouseConfig

    public init(db: Database, config: WarehouseConfig) {
        self.db = db
        self.config = config
    }

    /// Decodes `data` (plain or gzip, with or without a BOM) as `options.kind` into facts.
    public static func facts(_ data: Data, file: String, options: ImportOptions, now: UTCTime = .now()) throws -> FactBatch {
        let source = options.sourceName
        let asOf = (options.asOf ?? now).startOfDay
        switch options.kind {
        case .pcCustomers:
            return Normalize.partnerCenterCustomers(try PartnerCenterCustomersPage.decode(data, file: file), source: source)
        case .pcSubscriptions:
            return Normalize.partnerCenterSubscriptions(
                try PartnerCenterSubscriptionsPage.decode(data, file: file), source: source, customer: options.customer)
        case .pcUtilization:
            return try Normalize.partnerCenterUtilization(
                try UtilizationPageDecoder.decode(data, file: file), source: source, customer: options.customer,
                subscription: options.subscription, reported: options.reported, file: file)
        case .pcRateCard:
            return Normalize.rateCard(try PartnerCenterRateCard.decode(data, file: file), source: source)
        case .azureUsage:
            return try Normalize.azureUsage(
                try AzureUsageAggregatesPage.decode(data, file: file), source: source, subscription: options.subscription,
                reported: options.reported, file: file)
        case .azureRateCard:
            return Normalize.rateCard(try AzureRateCard.decode(data, file: file), source: source)
        case .agolSelf:
            return Normalize.arcgisPortal(try ArcGISPortal.decode(data, file: file), source: source, asOf: asOf)
        case .agolUsers:
            return Normalize.arcgisUsers(try ArcGISUsersPage.decode(data, file: file), source: source, org: options.org, asOf: asOf)
        case .agolItems:
            return try Normalize.arcgisItems(
                try ArcGISItemsPage.decode(data, file: file), source: source, org: options.org, asOf: asOf, file: file)
        case .agolUsage:
            return try Normalize.arcgisUsage(try ArcGISUsageResponse.decode(data, file: file), source: source, org: options.org, file: file)
        case .agolCreditsCSV:
            return try Normalize.creditsReport(
                try CreditsReport.decode(data, file: file), source: source, org: options.org, asOf: asOf, file: file)
        case .azureCostExport:
            return Normalize.costExport(try CostExport.decode(data, file: file), source: source)
        }
    }

    /// Imports one file: one transaction holds its `etl_runs` row, its raw page, its facts and
    /// the queueing of the months it touches; a second one reprices them (`RepriceQueue.drain`).
    @discardableResult
    public func importFile(_ data: Data, file: String, options: ImportOptions, now: UTCTime = .now()) throws -> ImportSummary {
        let batch = try Importer.decode(data, file: file, options: options, now: now)
        let summary: ImportSummary
        do {
            summary = try db.transaction {
                try db.run("INSERT INTO etl_runs (command, started_at, status) VALUES ('import', ?, 'running')", now.iso8601)
                let runID = db.lastInsertRowID
                let summary = try load(batch, body: data, file: file, options: options, runID: runID, now: now)
                let detail = JSONValue.object(
                    JSONObject([
                        .init(key: "file", value: .string(file)), .init(key: "kind", value: .string(options.kind.rawValue)),
                        .init(key: "source", value: .string(summary.source)), .init(key: "written", value: .number(String(summary.counts.written))),
                        .init(key: "unchanged", value: .number(String(summary.counts.unchanged))),
                        .init(key: "warnings", value: .array(summary.warnings.map { .string($0) })),
                    ])
                ).serialized
                try db.run(
                    "UPDATE etl_runs SET finished_at = ?, status = 'ok', pages = 1, records = ?, detail = ? WHERE run_id = ?",
                    max(UTCTime.now(), now).iso8601, summary.records, detail, runID)
                return summary
            }
            try RepriceQueue(db: db).drain(config: config)
        } catch {
            throw ImportError(file: file, message: "\(error)")
        }
        return summary
    }

    /// Decodes a document, wrapping any failure as an `ImportError` naming `file`.
    public static func decode(_ data: Data, file: String, options: ImportOptions, now: UTCTime) throws -> FactBatch {
        do {
            return try Importer.facts(data, file: file, options: options, now: now)
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError(file: file, message: "\(error)")
        }
    }

    /// Loads one decoded document inside the caller's transaction (a savepoint of it): the raw
    /// page, the facts, and the queueing of what needs repricing. With `skipIfStored`, a document
    /// whose exact bytes are already stored for this source and stream is not applied again
    /// (the nightly run's re-pull window: an identical page was applied when first fetched, and
    /// applying it again out of order could undo a later correction).
    @discardableResult
    public func load(
        _ batch: FactBatch, body data: Data, file: String, options: ImportOptions, runID: Int64?, now: UTCTime, skipIfStored: Bool = false
    ) throws -> ImportSummary {
        // The document as received, gzip undone (the reader undoes it again on rebuild anyway).
        let body = Zlib.isGzip(data) ? (try? Zlib.inflate(data)) ?? data : data
        return try load(batch, file: file, options: options, skipIfStored: skipIfStored, now: now) { store in
            try store.store(
                source: options.sourceName, stream: options.kind.stream, kind: options.kind.rawValue, request: file,
                context: options.contextJSON, fetchedAt: now, body: body, runID: runID)
        }
    }

    /// `load` with the body already hashed and compressed (`importFiles` prepares it on its
    /// prefetch thread).
    @discardableResult
    public func load(
        _ batch: FactBatch, prepared: RawPageStore.PreparedBody, file: String, options: ImportOptions, runID: Int64?, now: UTCTime,
        skipIfStored: Bool = false
    ) throws -> ImportSummary {
        try load(batch, file: file, options: options, skipIfStored: skipIfStored, now: now) { store in
            try store.store(
                source: options.sourceName, stream: options.kind.stream, kind: options.kind.rawValue, request: file,
                context: options.contextJSON, fetchedAt: now, prepared: prepared, runID: runID)
        }
    }

    private func load(
        _ batch: FactBatch, file: String, options: ImportOptions, skipIfStored: Bool, now: UTCTime,
        storePage: (RawPageStore) throws -> (pageID: Int64, inserted: Bool)
    ) throws -> ImportSummary {
        try db.transaction { try apply(batch, file: file, options: options, skipIfStored: skipIfStored, now: now, storePage: storePage) }
    }

    /// `load`'s work, in whatever transaction is open (`importFiles` runs it without a savepoint
    /// per file: on SQLite's in-memory journals, nested savepoints cost time quadratic in the
    /// transaction's size).
    func apply(
        _ batch: FactBatch, file: String, options: ImportOptions, skipIfStored: Bool, now: UTCTime,
        storePage: (RawPageStore) throws -> (pageID: Int64, inserted: Bool)
    ) throws -> ImportSummary {
        if batch.reportedWindow != nil {
            return try applyReportedWindow(batch, file: file, options: options, now: now, storePage: storePage)
        }
        let source = options.sourceName
        let page = try storePage(RawPageStore(db))
        var counts = FactWriter.Counts()
        if page.inserted || !skipIfStored {
            counts = try FactWriter(db: db).write(batch, pageID: page.pageID)
            if counts.written > 0 { try enqueue(batch, kind: options.kind, source: source, now: now) }
        }
        return ImportSummary(
            file: file, kind: options.kind, source: source, records: batch.records, counts: counts, newPage: page.inserted,
            periods: batch.periods, warnings: batch.warnings)
    }

    /// Usage documents queue the months they touch; a rate card, new subscriptions or users
    /// (which can change cost centers) queue every month of the source.
    func enqueue(_ batch: FactBatch, kind: ImportKind, source: String, now: UTCTime) throws {
        let queue = RepriceQueue(db: db)
        switch kind {
        case .pcRateCard, .azureRateCard, .pcSubscriptions, .agolUsers:
            try queue.enqueue(source: source, periods: nil, now: now)
        case .pcCustomers, .agolSelf:
            break
        case .pcUtilization, .azureUsage, .agolUsage, .agolItems, .agolCreditsCSV, .azureCostExport:
            let periods = batch.periods
            if !periods.isEmpty { try queue.enqueue(source: source, periods: periods, now: now) }
        }
    }
}
