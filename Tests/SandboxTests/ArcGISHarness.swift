import Config
import Extract
import Foundation
import Ingest
import Load
import Pipeline
import Sandbox
import TestSupport
import Transport
import WarehouseCore

/// A sandbox serving an ArcGIS Online org on port 0, a client signed in to it, and a fresh
/// warehouse file.
final class ArcGISHarness {
    let server: SandboxServer
    let routes: ArcGISRoutes
    let http: HTTPClient
    let sleeper = SleepRecorder()
    let directory: URL
    let db: Database

    var organization: ArcGISOrganization { routes.organization(for: server.configuration) }
    var sharingURL: String { "\(server.baseURL)/sharing/rest" }

    init(_ configuration: SandboxConfiguration, users: Int = 250) async throws {
        var configuration = configuration
        configuration.slowDelay = .milliseconds(20)
        routes = ArcGISRoutes(users: users)
        server = try await SandboxServer.start(configuration, routes: [routes])
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(100), maxDelay: .seconds(5), maxTotalWait: .seconds(600), jitter: { 0.5 })
        http = HTTPClient(
            configuration: HTTPClientConfiguration(maxConcurrentRequests: 2, noProxy: "127.0.0.1,localhost", retry: policy), sleep: sleeper.sleep)
        directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-arcgis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        db = try Database.openWarehouse(path: directory.appending(path: "test.db").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func client(_ credentials: ArcGISCredentials? = nil) -> ArcGISClient {
        ArcGISClient(
            sharingURL: sharingURL,
            credentials: credentials
                ?? .password(username: ArcGISOrganization.adminUsername, password: ArcGISOrganization.adminPassword, referer: "https://warehouse.test"),
            http: http)
    }

    func pull(from start: UTCTime, to end: UTCTime, asOf: UTCTime, client: ArcGISClient? = nil) async throws -> ArcGISPull.Summary {
        try await ArcGISPull(db: db, config: .defaults, client: client ?? self.client()).run(from: start, to: end, asOf: asOf)
    }

    /// The warehouse's credits per user and `<etype>.<stype>` with usage starting in `[start, end)`
    /// (storage meters left out: the sandbox's truth is service usage).
    func warehouseCredits(from start: UTCTime, to end: UTCTime) throws -> [String: [String: Decimal]] {
        var out: [String: [String: Decimal]] = [:]
        let rows = try db.rows(
            "SELECT user_name, meter_id, quantity FROM usage WHERE source = 'arcgis' AND meter_id NOT LIKE 'stg.%' AND usage_start >= ? AND usage_start < ?",
            start.iso8601, end.iso8601)
        for row in rows {
            let user = row[0].string ?? "(none)", meter = row[1].string ?? "", quantity = ExactDecimal.parse(row[2].string ?? "") ?? -1
            out[user, default: [:]][meter, default: 0] += quantity
        }
        return out
    }

    /// The last full calendar month before now (inside the usage API's two years).
    static var lastMonth: (start: UTCTime, end: UTCTime) {
        let end = UTCTime.now().startOfMonth
        return (end.adding(days: -1).startOfMonth, end)
    }
}
