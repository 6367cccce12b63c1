import Config
import Foundation
import Load
import Logging
import Pipeline
import Sandbox
import Testing
import Transport
import WarehouseCore

/// Issue 18: the `anomaly` rule, night after night over the sandbox's planted incidents, through a
/// real SMTP server: each incident is mailed once, the night its first day is loaded, and not again
/// while it stays in force (its deviation does not double); Azure cost and ArcGIS credits alike.
@Suite struct AnomalyAlertTests {
    @Test func eachIncidentIsMailedOnce() async throws {
        var configuration = SandboxConfiguration(port: 0, seed: 42)
        configuration.incidents = SandboxIncidents(anchor: UTCTime(year: 2026, month: 11, day: 1))
        let server = try await SandboxServer.start(configuration)
        defer { Task { await server.stop() } }
        let planted = configuration.incidents!.planted(azure: server.organization, arcgis: ArcGISRoutes().organization(for: configuration))
        let sink = try SMTPSink()
        let dir = FileManager.default.temporaryDirectory.appending(path: "warehouse-anomaly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(FileManager.default.createFile(
            atPath: dir.appending(path: "secrets").path, contents: Data(server.warehouseSecretsFile.utf8), attributes: [.posixPermissions: 0o600]))
        let alerts = """
            alerts:
              admins: [finops@example.org]
              anomaly: {deviation: "5", min_amount: "25", groups: [subscription, user], days: 3}
              mail: {url: "\(sink.url)", from: warehouse@example.org, tls: none}
            """
        let path = dir.appending(path: "warehouse.yaml").path
        try Data(server.warehouseYAML([.partnerCenter, .arcgis], secretsFile: "secrets", backfillFrom: "2026-09-01", extra: alerts).utf8)
            .write(to: URL(fileURLWithPath: path))
        let config = try WarehouseConfig.load(path: path)
        let http = HTTPClient(configuration: HTTPClientConfiguration(noProxy: "127.0.0.1"))
        let db = dir.appending(path: "w.db").path
        for night in 1...19 {
            var options = ETLOptions()
            options.now = UTCTime(year: 2026, month: 11, day: night, hour: 3)
            let report = try await ETLRun(databasePath: db, config: config, options: options, http: http, logger: Logger(label: "test")).run()
            #expect(report.exitCode == 0, "night \(night): \(report.results.flatMap(\.errors)) \(report.alertsError ?? "")")
        }
        let ledger = try Database(path: db, mode: .readOnly).rows("""
            SELECT alert_key, count(*), group_concat(sent_at) FROM alert_deliveries WHERE alert_key LIKE 'anomaly/%' AND status = 'sent'
            GROUP BY alert_key ORDER BY alert_key
            """).map { ($0[0].string ?? "", $0[1].int64 ?? 0, $0[2].string ?? "") }
        #expect(ledger.allSatisfy { $0.1 == 1 }, "each incident once: \(ledger)")
        for incident in planted {
            let keys = ledger.filter { $0.0.contains("/\(incident.subject.lowercased())/\(incident.firstDay.day)") }
            #expect(keys.count == 1, "\(incident.kind) alerted once from its first day: \(ledger)")
        }
        // The geocoding burst also shows in the ArcGIS org's own series (grouped by subscription): the same day.
        #expect(ledger.allSatisfy { key in planted.contains { key.0.hasSuffix("/\($0.firstDay.day)") } }, "no other anomaly: \(ledger)")
        let mail = try sink.messages().filter { $0.text?.contains("Cost anomaly") == true }
        // One digest a night with something new: an incident seen by two groupings may reach the
        // second one a night later (late-reported Azure usage completing the day), never twice per key.
        #expect(mail.count == Set(ledger.map(\.2)).count && mail.count >= planted.count, "\(ledger)")
        #expect(mail.contains { $0.text?.contains("credits") == true } && mail.contains { $0.text?.contains("USD") == true })
    }
}
