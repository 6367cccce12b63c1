import Foundation
import Sandbox
import TestSupport
import Testing

/// The warehouse's own sources can read the sandbox over HTTPS too: `warehouse etl` trusts the
/// CA named by `CURL_CA_BUNDLE` (as curl does), and refuses the sandbox's certificate without it.
struct ETLOverHTTPSTests {
    @Test(arguments: [true, false])
    func etlReadsTheSandboxOverHTTPSWithItsCA(trusted: Bool) async throws {
        let tls = try SandboxTLS.generate()
        let server = try await SandboxServer.start(
            SandboxConfiguration(port: 0, seed: 7, customers: 1, usageSubscriptionsPerCustomer: 1, directSubscriptions: 1, recordsPerDay: 5), tls: tls)
        defer { Task { await server.stop() } }
        let dir = try TemporaryDirectory()
        let https = try #require(server.httpsBaseURL)
        let yaml = server.warehouseYAML([.azure, .arcgis], secretsFile: "secrets.env", backfillFrom: "2026-11-10")
            .replacingOccurrences(of: server.baseURL, with: https)
        #expect(yaml.contains(https) && !yaml.contains(server.baseURL))
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: dir.path("warehouse.yaml")))
        #expect(FileManager.default.createFile(atPath: dir.path("secrets.env"), contents: Data(server.warehouseSecretsFile.utf8), attributes: [.posixPermissions: 0o600]))
        try Data(tls.trustPEM.utf8).write(to: URL(fileURLWithPath: dir.path("ca.pem")))
        var environment = ["NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"]
        if trusted { environment["CURL_CA_BUNDLE"] = dir.path("ca.pem") }
        let result = try await CLI.runAsync(
            ["etl", "--db", dir.path("w.db"), "--config", dir.path("warehouse.yaml"), "--now", "2026-11-12T06:00:00Z"], environment: environment)
        if trusted {
            #expect(result.status == 0, "\(result.stderr)")
            let rows = try CLI.run(["sql", "--db", dir.path("w.db"), "--format", "csv", "SELECT count(*) FROM usage WHERE source = 'sandbox-azure'"])
            let count = rows.stdout.split(whereSeparator: \.isNewline).last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            #expect((count ?? 0) > 0, "\(rows.stdout.debugDescription)")
        } else {
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stderr.contains("sandbox-azure") && result.stderr.contains("sandbox-agol"), "\(result.stderr)")
        }
    }
}
