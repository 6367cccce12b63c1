import Config
import Extract
import Foundation
import Logging
import Pipeline
import Sandbox
import Testing
import Transport
import WarehouseCore

/// The nightly run sends the alerts after loading, to a real SMTP server, and a second night
/// sends nothing that was already sent.
@Suite struct NightlyAlertsTests {
    @Test func etlSendsAlertsOnceAfterLoading() async throws {
        let server = try await SandboxServer.start(SandboxConfiguration(port: 0, seed: 42))
        defer { Task { await server.stop() } }
        let sink = try SMTPSink()
        let dir = FileManager.default.temporaryDirectory.appending(path: "warehouse-nightly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secrets = dir.appending(path: "secrets").path
        #expect(FileManager.default.createFile(atPath: secrets, contents: Data(server.warehouseSecretsFile.utf8), attributes: [.posixPermissions: 0o600]))
        let alerts = """
            alerts:
              admins: [gis-admins@example.org]
              mail: {url: "\(sink.url)", from: warehouse@example.org, tls: none}
            """
        let path = dir.appending(path: "warehouse.yaml").path
        try Data(server.warehouseYAML([.arcgis], secretsFile: "secrets", backfillFrom: "2026-10-25", extra: alerts).utf8)
            .write(to: URL(fileURLWithPath: path))
        let config = try WarehouseConfig.load(path: path)
        #expect(config.canSendAlerts)
        var options = ETLOptions()
        options.now = UTCTime(year: 2026, month: 11, day: 2, hour: 3)
        let http = HTTPClient(configuration: HTTPClientConfiguration(noProxy: "127.0.0.1"))
        func night() async throws -> ETLReport {
            try await ETLRun(databasePath: dir.appending(path: "w.db").path, config: config, options: options, http: http, logger: Logger(label: "test")).run()
        }
        let first = try await night()
        #expect(first.exitCode == 0, "\(first.results.flatMap(\.errors)) \(first.alertsError ?? "")")
        try #require(first.alertsSent > 0, "the sandbox org has users under their budget thresholds")
        let mail = try sink.messages()
        #expect(mail.count == first.alertsSent)
        #expect(mail.contains { $0.rcpt_tos == ["gis-admins@example.org"] }, "the administrators' digest")
        #expect(mail.contains { $0.rcpt_tos.first?.hasSuffix("@sandbox.example") == true }, "a user's own figures")
        let second = try await night()
        #expect(second.exitCode == 0)
        #expect(second.alertsSent == 0)
        #expect(try sink.messages().count == mail.count, "nothing sent twice")
    }
}
