import Extract
import Foundation
import Load
import WarehouseCore

/// Runs the ArcGIS Online client and loads every page it fetches through the same path as
/// `warehouse import`: per page one transaction with its raw page, its facts and the reprice of
/// what it touches (`Importer.importFile`). A page that fails to load stops the pull; the pages
/// before it stay loaded (each was its own transaction), so a rerun picks up where it failed.
public struct ArcGISPull {
    let db: Database
    let config: WarehouseConfig
    let client: ArcGISClient

    public init(db: Database, config: WarehouseConfig, client: ArcGISClient) {
        self.db = db
        self.config = config
        self.client = client
    }

    /// What one pull loaded.
    public struct Summary: Sendable {
        public var pages = 0
        public var pagesByKind: [String: Int] = [:]
        public var records = 0
        public var written = 0
        public var warnings: [String] = []
    }

    /// Pulls portals/self, users, items (snapshot day `asOf`) and usage for `[start, end)` into
    /// source `source`.
    @discardableResult
    public func run(from start: UTCTime, to end: UTCTime, asOf: UTCTime = .now(), source: String = "arcgis") async throws -> Summary {
        var summary = Summary()
        let importer = Importer(db: db, config: config)
        try await client.pull(from: start, to: end, asOf: asOf) { page in
            try load(page, importer: importer, source: source, into: &summary)
        }
        return summary
    }

    /// Loads one fetched page as `warehouse import --kind <page.kind>` would, in its own transaction.
    func load(_ page: FetchedPage, importer: Importer, source: String, into summary: inout Summary) throws {
        guard let kind = ImportKind(rawValue: page.kind) else {
            throw ImportError(file: page.request, message: "unknown page kind '\(page.kind)'")
        }
        let options = ImportOptions(
            kind: kind, source: source, org: page.context["org"], asOf: page.context["as_of"].flatMap { UTCTime.parse($0) })
        let result = try importer.importFile(page.body, file: page.request, options: options, now: page.fetchedAt)
        summary.pages += 1
        summary.pagesByKind[page.kind, default: 0] += 1
        summary.records += result.records
        summary.written += result.counts.written
        summary.warnings += result.warnings
    }
}
