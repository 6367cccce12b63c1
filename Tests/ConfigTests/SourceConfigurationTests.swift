import Config
import Foundation
import Streams
import Testing
import WarehouseCore

@Suite struct SourceConfigurationTests {
    static let yaml = """
        sources:
          - name: contoso-csp
            kind: partnercenter
            tenant: contoso.onmicrosoft.com
            client_id: 11111111-2222-3333-4444-555555555555
            client_secret_env: PC_SECRET
            backfill_from: 2026-01-01
            repull_days: 5
          - name: agol
            kind: arcgis
            url: https://org.maps.arcgis.com/sharing/rest/
            username: gis_admin
            password_env: AGOL_PASSWORD
          - {name: exports, kind: files, path: "/srv/exports/*.csv", import_kind: azure-cost-export}
        """

    @Test func sourcesAreRead() throws {
        let config = try WarehouseConfig.parse(yaml: Self.yaml, file: "w.yaml")
        #expect(config.sources.map(\.name) == ["contoso-csp", "agol", "exports"])
        let csp = config.sources[0]
        #expect(csp.kind == .partnercenter)
        #expect(csp.secretNames == ["client_secret": "PC_SECRET"])
        #expect(csp.repullDays == 5)
        #expect(csp.backfillFrom == UTCTime(year: 2026, month: 1, day: 1))
        #expect(config.sources[1].repullDays == 2, "ArcGIS Online re-pulls two days by default")
        #expect(config.sources[1].url == "https://org.maps.arcgis.com/sharing/rest")
        #expect(config.sources[2].importKind == .azureCostExport)
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        let key: String
        let message: String
        var testDescription: String { name }
    }

    static let bad: [BadCase] = [
        BadCase(name: "unknown key", yaml: "sources:\n  - {name: a, kind: files, path: x, import_kind: azure-usage, colour: red}", key: "sources[0].colour", message: "unknown key"),
        BadCase(name: "unknown kind", yaml: "sources:\n  - {name: a, kind: gcp}", key: "sources[0].kind", message: "expected one of"),
        BadCase(name: "missing tenant", yaml: "sources:\n  - {name: a, kind: partnercenter, client_id: x, client_secret_env: S}", key: "sources[0]", message: "needs tenant"),
        BadCase(
            name: "a secret pasted instead of its variable's name",
            yaml: "sources:\n  - {name: a, kind: partnercenter, tenant: t, client_id: c, client_secret_env: \"s3cr3t/value+\"}",
            key: "sources[0].client_secret_env", message: "NAME of an environment variable"),
        BadCase(
            name: "two sources with one name",
            yaml: "sources:\n  - {name: a, kind: files, path: x, import_kind: azure-usage}\n  - {name: a, kind: files, path: y, import_kind: azure-usage}",
            key: "sources[1]", message: "given twice"),
        BadCase(name: "repull out of range", yaml: "sources:\n  - {name: a, kind: files, path: x, import_kind: azure-usage, repull_days: 400}", key: "sources[0].repull_days", message: "0 to 92"),
        BadCase(name: "backfill not a day", yaml: "sources:\n  - {name: a, kind: files, path: x, import_kind: azure-usage, backfill_from: 2026-13-01}", key: "sources[0].backfill_from", message: "YYYY-MM-DD"),
    ]

    @Test(arguments: bad) func badSourcesNameTheirKey(_ c: BadCase) throws {
        let error = try #require(throws: ConfigError.self) { try WarehouseConfig.parse(yaml: c.yaml, file: "w.yaml") }
        #expect(error.key == c.key, "\(error)")
        #expect(error.message.contains(c.message), "\(error)")
    }
}
