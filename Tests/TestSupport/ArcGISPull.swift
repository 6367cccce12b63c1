import Config
import Extract
import Foundation
import Ingest
import Load
import Streams
import WarehouseCore

/// Test support: the whole ArcGIS Online pull (portals/self, users, items, usage for a window)
/// loaded page by page through the one `Loader`, each page its own import. The nightly run does
/// the same day by day (`SourcePull.arcgis`); this drives the client without configuration.
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

    /// Pulls portals/self, users, items (snapshot day `asOf`) and usage for `[start, end)` into `source`.
    @discardableResult
    public func run(from start: UTCTime, to end: UTCTime, asOf: UTCTime = .now(), source: String = "arcgis") async throws -> Summary {
        var summary = Summary()
        let loader = Loader(db: db, config: config)
        func load(_ page: FetchedPage, _ kind: StreamSpec, org: String, attachmentBytes: Int64? = nil) throws {
            var options = ImportOptions(kind: kind, source: source, org: org, asOf: asOf)
            options.attachmentBytes = attachmentBytes
            let result = try loader.importFile(page.body, file: page.request, options: options, now: page.fetchedAt)
            summary.pages += 1
            summary.pagesByKind[kind.name, default: 0] += 1
            summary.records += result.records
            summary.written += result.counts.written
            summary.warnings += result.warnings
        }
        let (portal, org) = try await client.portal()
        try load(portal, .agolSelf, org: org)
        try await client.users(orgID: org) { try load($0, .agolUsers, org: org) }
        try await client.items(orgID: org) { try load($0, .agolItems, org: org, attachmentBytes: $1) }
        try await client.usage(orgID: org, from: start, to: end, now: max(asOf, .now())) { try load($0, .agolUsage, org: org) }
        return summary
    }
}
