import Foundation
import Load
import Sandbox
import TestSupport
import Testing
import WarehouseCore

/// The warehouse against an independent client of the documented contract
/// (`scripts/check_reported_windows.py`, standard-library Python, none of our decoders): every
/// record the sandbox reports over the reported days, summed per (subscription, meter, usage
/// day), equals the warehouse's usage exactly — after `etl`, with every fault on, after a second
/// run, after `rebuild`, and after a restated window is pulled again.
@Suite(.serialized)
struct ReportedWindowTests {
    static let night = "2026-11-02T03:00:00Z"
    static let backfill = "2026-10-25"

    /// Runs the checker over the reported days [backfill, night's day) of both Azure APIs.
    static func check(_ h: ETLHarness) async throws -> CLI.Result {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "scripts/check_reported_windows.py")
        let c = h.server.configuration
        var arguments = [
            script.path, "--url", h.server.baseURL, "--tenant", c.tenant, "--client-id", c.clientID, "--client-secret", c.clientSecret,
            "--from", backfill, "--to", String(night.prefix(10)), "--db", h.db,
        ]
        for subscription in h.server.organization.directSubscriptions { arguments += ["--azure-subscription", subscription.id] }
        let running = try CLI.Running(
            arguments, environment: ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"], executable: URL(fileURLWithPath: "/usr/bin/python3"))
        return await running.result()
    }

    static func expectEqual(_ h: ETLHarness, _ when: String) async throws {
        let check = try await Self.check(h)
        #expect(check.status == 0, "\(when): \(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(": 0 mismatches"), "\(when): \(check.stdout)")
    }

    /// `etl`; with faults, a run that ends partial (exit 3: with `token-expiry`, streams sharing
    /// one token can use up a request's 401 retries) is followed by the next night's run, which
    /// resumes, as in production. Clean runs must succeed the first time.
    static func etl(_ h: ETLHarness, faults: SandboxFaults, _ extra: [String] = []) async throws {
        var result = try await h.etl(now: night, extra)
        for _ in 0..<3 where result.status == 3 && !faults.isEmpty { result = try await h.etl(now: night, extra) }
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(arguments: [SandboxFaults(), .all])
    func theWarehouseHoldsEveryReportedRecord(_ faults: SandboxFaults) async throws {
        // Tokens last 12 requests (not 3): four streams sharing one token that dies every third
        // request can exhaust a request's 401 retries (AuthorizedFetcher re-authenticates once),
        // a limit of the client under this fault, not of what this test checks.
        let h = try await ETLHarness(
            faults: faults, faultPermille: 150, sources: [.partnerCenter, .azure], backfillFrom: Self.backfill, tokenUses: 12)
        try await Self.etl(h, faults: faults)
        try await Self.expectEqual(h, "after etl")
        try await Self.etl(h, faults: faults)
        try await Self.expectEqual(h, "after a second run")
        let rebuild = try await CLI.runAsync(["rebuild", "--db", h.db, "--config", h.config])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        try await Self.expectEqual(h, "after rebuild")
    }

    /// 20 records a day (one page per reported day) and 1,300 (two pages: the window is replaced
    /// as a whole, its stale rows deleted once, whichever page they were on).
    @Test(arguments: [20, 1300])
    func aRestatedWindowLeavesTheWarehouseEqualToAFreshPullOfTheFinalAnswers(_ recordsPerDay: Int) async throws {
        let h = try await ETLHarness(
            faults: [.restatedWindow], sources: [.partnerCenter, .azure], backfillFrom: Self.backfill, recordsPerDay: recordsPerDay)
        #expect(try await h.etl(now: Self.night).status == 0)
        // Every day has now been served in full once: asked again, each answers restated.
        let stale = try await Self.check(h)
        #expect(stale.status == 1, "the restated answers differ from what the first run loaded: \(stale.stdout)")
        let repull = try await h.etl(now: Self.night, ["--since", Self.backfill])
        #expect(repull.status == 0, "\(repull.stderr)")
        let reader = try Database(path: h.db, mode: .readOnly)
        let warnings = try reader.scalar("SELECT detail FROM etl_runs ORDER BY run_id DESC LIMIT 1")?.string ?? ""
        #expect(warnings.contains("was answered differently than before"), "the run says which windows changed: \(warnings)")
        #expect(h.server.state.injectedFaults["restated-window", default: 0] > 0)
        try await Self.expectEqual(h, "after re-pulling the restated windows")
        let rebuild = try await CLI.runAsync(["rebuild", "--db", h.db, "--config", h.config])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        try await Self.expectEqual(h, "after rebuild")
    }

    @Test func anImportedPageWithoutItsWindowIsRefusedInOneLine() throws {
        let dir = try TemporaryDirectory()
        let page = #"{"value":[{"properties":{"subscriptionId":"s1","usageStartTime":"2026-10-01T00:00:00Z","usageEndTime":"2026-10-02T00:00:00Z","meterId":"m","quantity":1}}]}"#
        let db = dir.path("w.db")
        #expect(try CLI.run(["init", "--db", db]).status == 0)
        let before = try Database(path: db, mode: .readOnly).scalar("SELECT count(*) FROM raw_pages")?.int64
        let refused = try CLI.run(["import", "--db", db, "--kind", "azure-usage", "-"], stdin: page)
        #expect(refused.status == 1)
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(refused.stderr.contains("--reported-day") && refused.stderr.contains("--reported-start"), "\(refused.stderr)")
        #expect(try Database(path: db, mode: .readOnly).scalar("SELECT count(*) FROM raw_pages")?.int64 == before)
        let accepted = try CLI.run(["import", "--db", db, "--kind", "azure-usage", "--reported-day", "2026-10-02", "-"], stdin: page)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let half = try CLI.run(["import", "--db", db, "--kind", "azure-usage", "--reported-start", "2026-10-02T00:00:00Z", "-"], stdin: page)
        #expect(half.status != 0)
    }

    /// A page of one record of `hours` of a VM on `usageDay`, reported on `reportedDay`.
    static func page(hours: String, usageDay: String, reportedDay: String, next: String) -> String {
        let sub = "0a1b2c3d-0000-4000-8000-000000000001"
        return #"{"totalCount":1,"items":[{"usageStartTime":"\#(usageDay)T00:00:00+00:00","usageEndTime":"\#(usageDay)T23:59:59+00:00","resource":{"id":"7A2639CE-AE47-4413-9837-6B4F4B78BE3D"},"quantity":\#(hours),"unit":"Hours","instanceData":{"resourceUri":"/subscriptions/\#(sub)/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"}}],"links":{"self":{"uri":"customers/c1/subscriptions/\#(sub)/utilizations/azure?start_time=\#(reportedDay)T00:00:00Z&end_time=\#(next)T00:00:00Z"}}}"#
    }

    @Test func theInvoiceIsByUsageDateAndTheReconciliationViewByReportedTime() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        let files = [
            ("a.json", Self.page(hours: "2", usageDay: "2026-04-30", reportedDay: "2026-04-30", next: "2026-05-01")),
            ("b.json", Self.page(hours: "3", usageDay: "2026-04-30", reportedDay: "2026-05-01", next: "2026-05-02")),
        ]
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: dir.path(name))) }
        let imported = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", dir.path("a.json"), dir.path("b.json")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let again = try CLI.run(["import", "--db", db, "--kind", "pc-utilization", dir.path("b.json")])
        #expect(again.status == 0 && again.stdout.hasSuffix("already loaded, the current answer of its reported window; skipped\n"), "\(again.stdout)")
        let reader = try Database(path: db, mode: .readOnly)
        #expect(try reader.scalar("SELECT sum(quantity) FROM usage WHERE substr(usage_start, 1, 7) = '2026-04'")?.int64 == 5, "the VM ran 5 hours on April 30")
        let april = try CLI.run(["invoice", "--db", db, "--period", "2026-04", "--basis", "reported", "--format", "csv"])
        #expect(april.status == 0, "\(april.stderr)")
        #expect(april.stdout.contains(",Hours,5,2,-3,"), "April's reconciliation file has the 2 hours reported in April: \(april.stdout)")
        let may = try CLI.run(["invoice", "--db", db, "--period", "2026-05", "--basis", "reported", "--format", "csv"])
        #expect(may.stdout.contains(",Hours,0,3,3,"), "the 3 hours reported on May 1 are in May's: \(may.stdout)")
        let html = try CLI.run(["invoice", "--db", db, "--period", "2026-05", "--basis", "reported", "--format", "html"])
        #expect(html.status != 0)
    }
}
