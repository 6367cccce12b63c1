import Foundation
import Sandbox
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The storage report's per-owner credits (from item sizes, attachments read from the hosted
/// layers' queryAttachments and priced at the file rate) against the storage credits ArcGIS
/// Online's usage API reports itself (`etype=stg`, `stg.features` and `stg.portal`) for the day
/// of the snapshot: the same figures, within the report's rounding (3 places).
struct StorageCrossCheckTests {
    static func post(_ url: String, _ form: String) async throws -> [String: Any] {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(form.utf8)
        let (data, _) = try await URLSession(configuration: .ephemeral).data(for: request)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: ["2026-11-15", "2026-02-10"])
    func reportPerOwnerEqualsTheUsageAPIsStorageCredits(day: String) async throws {
        let h = try await ETLHarness(sources: [.arcgis], backfillFrom: String(day.prefix(8)) + "01")
        let etl = try await h.etl(now: "\(day)T06:00:00Z")
        #expect(etl.status == 0, "\(etl.stderr)")
        let report = try CLI.run(["report", "storage", "--db", h.db, "--period", String(day.prefix(7)), "--format", "json"])
        #expect(report.status == 0, "\(report.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let owners = try #require((json["sections"] as? [String: Any])?["by_owner"] as? [[String: Any]])

        let sharing = "\(h.server.baseURL)/sharing/rest"
        let token = try #require(try await Self.post("\(sharing)/generateToken", "username=\(ArcGISOrganization.adminUsername)&password=\(ArcGISOrganization.adminPassword)&client=referer&referer=http://localhost&f=json")["token"] as? String)
        let start = try #require(ISO8601DateFormatter().date(from: "\(day)T00:00:00Z")).timeIntervalSince1970 * 1000
        let usage = try await Self.post(
            "\(sharing)/portals/self/usage",
            "f=json&token=\(token)&startTime=\(Int64(start))&endTime=\(Int64(start) + 86_400_000)&period=1d&etype=stg&groupby=username,stype,etype&vars=credits,stg")
        let days = Decimal(Calendar(identifier: .gregorian).range(of: .day, in: .month, for: Date(timeIntervalSince1970: start / 1000))?.count ?? 30)
        var api: [String: [String: Decimal]] = [:]
        for row in usage["data"] as? [[String: Any]] ?? [] {
            let owner = try #require(row["username"] as? String), stype = try #require(row["stype"] as? String)
            let value = try #require(((row["credits"] as? [[String]])?.first?.last).flatMap { Decimal(string: $0) })
            api[owner, default: [:]][stype] = value * days
        }
        #expect(!owners.isEmpty && owners.count == api.count)
        let tolerance = Decimal(string: "0.0015")!
        for row in owners {
            let owner = try #require(row["owner"] as? String)
            let feature = try #require(Decimal(string: row["feature_credits"] as? String ?? "")), file = try #require(Decimal(string: row["file_credits"] as? String ?? ""))
            let apiFeature = api[owner]?["features"] ?? 0, apiFile = api[owner]?["portal"] ?? 0
            #expect(abs(feature - apiFeature) <= tolerance && abs(file - apiFile) <= tolerance, "\(owner): report \(feature)+\(file), usage API \(apiFeature)+\(apiFile)")
        }
        // The fixture by hand: 30 MiB of features = 7.2 credits a month, 2 GiB of attachments and a 512 MiB PDF = 3.
        let fixture = try #require(owners.first { $0["owner"] as? String == ArcGISOrganization.fixtureUsername })
        #expect(Decimal(string: fixture["feature_credits"] as? String ?? "") == Decimal(string: "7.2"), "\(fixture)")
        #expect(Decimal(string: fixture["file_credits"] as? String ?? "") == 3, "\(fixture)")
    }
}
