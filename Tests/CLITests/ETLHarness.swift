import Config
import Foundation
import Load
import Sandbox
import TestSupport
import Testing
import WarehouseCore

/// A sandbox on port 0 in the test process, a temporary warehouse, and a configuration that
/// points `warehouse etl` (the built binary, in a child process) at the sandbox.
final class ETLHarness: @unchecked Sendable {
    let server: SandboxServer
    let dir: TemporaryDirectory
    var db: String { dir.path("w.db") }
    var config: String { dir.path("warehouse.yaml") }
    var secrets: String { dir.path("secrets.env") }

    /// Two CSP customers with two usage subscriptions each and the ArcGIS org, 20 records per
    /// subscription per day, by default from late September.
    init(
        seed: UInt64 = 7, faults: SandboxFaults = [], faultPermille: Int = 200, sources: SandboxServer.WarehouseSources = [.partnerCenter, .arcgis],
        backfillFrom: String = "2026-09-28", extraYAML: String = "", tokenUses: Int = 3, recordsPerDay: Int = 20
    ) async throws {
        server = try await SandboxServer.start(
            SandboxConfiguration(
                port: 0, seed: seed, customers: 2, usageSubscriptionsPerCustomer: 2, directSubscriptions: 1, recordsPerDay: recordsPerDay, faults: faults,
                faultPermille: faultPermille, slowDelay: .milliseconds(300), tokenUses: tokenUses))
        dir = try TemporaryDirectory()
        try writeConfig(sources: sources, backfillFrom: backfillFrom, extraYAML: extraYAML)
        #expect(FileManager.default.createFile(atPath: secrets, contents: Data(server.warehouseSecretsFile.utf8), attributes: [.posixPermissions: 0o600]))
    }

    deinit {
        let server = self.server
        Task { await server.stop() }
    }

    func writeConfig(sources: SandboxServer.WarehouseSources, backfillFrom: String, extraYAML: String = "") throws {
        let yaml = server.warehouseYAML(sources, secretsFile: "secrets.env", backfillFrom: backfillFrom, extra: "lock_wait_seconds: 120\n" + extraYAML)
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: config))
    }

    /// `warehouse etl` with the run's clock at `now`.
    func etl(now: String, _ extra: [String] = [], db: String? = nil, environment: [String: String] = [:]) async throws -> CLI.Result {
        try await CLI.runAsync(
            ["etl", "--db", db ?? self.db, "--config", config, "--now", now, "--log-format", "text"] + extra,
            environment: environment.merging(["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]) { $1 })
    }

    func start(now: String, db: String? = nil, environment: [String: String] = [:]) throws -> CLI.Running {
        try CLI.Running(
            ["etl", "--db", db ?? self.db, "--config", config, "--now", now],
            environment: environment.merging(["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"]) { $1 })
    }

    /// The invoice of `period` as JSON, with the "last refreshed" times (which say when pages
    /// were fetched, not what they hold) blanked.
    static func invoice(_ db: String, period: String) async throws -> String {
        let result = try await CLI.runAsync(["invoice", "--db", db, "--period", period, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.replacingOccurrences(of: #""last_refreshed": *"[^"]*""#, with: "", options: .regularExpression)
    }

    /// Every fact and charge in a canonical order, ids left out: two warehouses that hold the
    /// same facts and prices give the same text. With a `filter` on usage (`u.`), only usage and
    /// its charges.
    static func facts(_ db: String, where filter: String? = nil) throws -> [String] {
        let reader = try Database(path: db, mode: .readOnly)
        var lines: [String] = []
        for row in try reader.rows("""
            SELECT u.source, u.account_id, u.resource_id, u.meter_id, u.usage_start, u.usage_end, u.quantity, u.unit,
                   u.tags, c.amount_micros, c.currency, c.cost_center_key, u.reported_start
            FROM usage u LEFT JOIN charges c USING (usage_id) WHERE \(filter ?? "1") ORDER BY 1, 2, 3, 4, 5, 6, 13
            """) {
            lines.append(row.map { $0.description }.joined(separator: "|"))
        }
        if filter != nil { return lines }
        for table in ["rates", "users", "credit_budgets", "storage_snapshots", "subscriptions", "customers", "charge_scopes"] {
            let columns = try reader.rows("SELECT name FROM pragma_table_info('\(table)') WHERE name NOT IN ('page_id', 'priced_at')").compactMap { $0[0].string }
            for row in try reader.rows("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(columns.joined(separator: ", "))") {
                lines.append(table + ":" + row.map { $0.description }.joined(separator: "|"))
            }
        }
        return lines
    }
}
