import Config
import Extract
import Foundation
import Ingest
import Load
import Pipeline
import Sandbox
import Streams
import Testing
import WarehouseCore

/// The ArcGIS Online pull end to end: sandbox -> client -> Importer -> warehouse.
struct ArcGISPullTests {
    /// 25,000 users (past the 10,000-result paging cap), every transient fault and token
    /// expiry on: the warehouse's credits per user and service type for a month equal the
    /// sandbox's ground truth, and every user is stored once.
    @Test func monthOfCreditsFor25000UsersUnderFaultsEqualsGroundTruth() async throws {
        let h = try await ArcGISHarness(
            SandboxConfiguration(seed: 7, faults: [.throttle, .serverError, .truncatedBody, .malformedJSON, .slow, .tokenExpiry], faultPermille: 150, tokenUses: 40),
            users: 25_000)
        let server = h.server
        defer { Task { await server.stop() } }
        let (start, end) = ArcGISHarness.lastMonth
        let summary = try await h.pull(from: start, to: end, asOf: end.adding(days: -1))
        let truth = h.organization.credits(from: start, to: end)
        let stored = try h.warehouseCredits(from: start, to: end)
        #expect(truth.count > 1_000)
        #expect(stored == truth)

        #expect(try h.db.scalar("SELECT count(*) FROM users WHERE source = 'arcgis'")?.int64 == 25_000)
        #expect(try h.db.scalar("SELECT count(DISTINCT user_name) FROM users WHERE source = 'arcgis'")?.int64 == 25_000)
        // Admins come from the users' roles, not from portals/self `mfaAdmins` (seed bug 5).
        let admins = h.organization.users.filter { $0.role == "org_admin" }.count
        #expect(admins > 1)
        #expect(try h.db.scalar("SELECT count(*) FROM users WHERE source = 'arcgis' AND role = 'org_admin'")?.int64 == Int64(admins))

        let injected = h.server.state.injectedFaults
        #expect((injected["token-expiry"] ?? 0) > 0)
        #expect(injected.filter { $0.key != "token-expiry" }.values.reduce(0, +) > 5)
        #expect(summary.pagesByKind["agol-users"] ?? 0 >= 250)

        // No token in any stored request URL.
        for token in h.server.state.issuedTokens {
            #expect(try h.db.scalar("SELECT count(*) FROM raw_pages WHERE instr(request, ?) > 0", token)?.int64 == 0)
        }
        #expect(try h.db.scalar("SELECT count(*) FROM raw_pages WHERE request LIKE '%token=REDACTED%'")?.int64 ?? 0 > 0)
    }

    /// The storage fixture: a hosted feature service (30 MiB of features, 2 GiB of attachments,
    /// `size: -1` in search), a view of it (size 0) and a 512 MiB PDF, on a day of a 30-day month.
    /// By hand: features 30/10 × 2.4 / 30 = 0.24; attachments 2 × 1.2 / 30 = 0.08 and the PDF
    /// 0.5 × 1.2 / 30 = 0.02 at the file rate, 0.10; the view nothing.
    @Test func storageEstimateOfOneUserEqualsTheHandComputedFigure() async throws {
        let h = try await ArcGISHarness(SandboxConfiguration(seed: 3))
        let server = h.server
        defer { Task { await server.stop() } }
        let asOf = UTCTime(year: 2026, month: 11, day: 15)
        let (start, end) = ArcGISHarness.lastMonth
        _ = try await h.pull(from: start, to: end, asOf: asOf)
        let rows = try h.db.rows(
            "SELECT meter_id, quantity FROM usage WHERE user_name = ? AND meter_id LIKE 'stg.%' AND usage_start = ?",
            ArcGISOrganization.fixtureUsername, asOf.iso8601)
        var byMeter: [String: Decimal] = [:]
        for row in rows { byMeter[row[0].string ?? "", default: 0] += ExactDecimal.parse(row[1].string ?? "") ?? -1 }
        #expect(byMeter == ["stg.features": Decimal(24) / 100, "stg.portal": Decimal(10) / 100])
        // The feature service was stored from its own item page, with its true size; the view at 0.
        let snapshots = try h.db.rows(
            "SELECT item_id, size_bytes, attachment_bytes FROM storage_snapshots WHERE owner = ? ORDER BY item_id", ArcGISOrganization.fixtureUsername)
        #expect(snapshots.map { $0.map(\.description) } == [
            ["f1x7a0000000000000000000000000001", "2178940928", "2147483648"],
            ["f1x7a0000000000000000000000000002", "0", "0"],
            ["f1x7a0000000000000000000000000003", "536870912", "0"],
        ])
    }

    /// Storage rows of the usage API carry `stg` levels (bytes per bucket); summing them over
    /// buckets (as the seeds' parsers do) multiplies storage by the number of days. The usage
    /// path turns only the `credits` var into usage, so a level never becomes a quantity.
    @Test func storageLevelsInUsageAreNeverSummed() throws {
        let body = #"{"startTime":1761955200000,"endTime":1762128000000,"period":"1d","data":[{"name":"Parcels","etype":"stg","stype":"features","stg":[["1761955200000","31457280"],["1762041600000","31457280"]],"credits":[["1761955200000","0.24"],["1762041600000","0.24"]]}]}"#
        let batch = try Loader.decode(Data(body.utf8), file: "usage.json", options: ImportOptions(kind: .agolUsage, org: "org1"), now: .now())
        #expect(batch.usage.map(\.quantity) == [Decimal(24) / 100, Decimal(24) / 100])
        #expect(batch.usage.allSatisfy { $0.meterID == "stg.features" && $0.unit == "credits" })
    }
}
