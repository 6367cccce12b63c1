import Foundation
import Load
import Sandbox
import Testing
import WarehouseCore

/// `warehouse etl` against the sandbox over real HTTP, the binary run as cron would run it.
@Suite(.serialized) struct ETLTests {
    static let night1 = "2026-11-02T03:00:00Z"
    static let night2 = "2026-11-03T03:00:00Z"

    @Test func aSecondRunChangesNoFactAndPrintsTheSameInvoice() async throws {
        let h = try await ETLHarness()
        let first = try await h.etl(now: Self.night1)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.isEmpty && first.stderr.isEmpty, "quiet under cron: \(first.stdout)\(first.stderr)")
        let facts = try ETLHarness.facts(h.db)
        #expect(facts.count > 1_000)
        let invoice = try await CLI.runAsync(["invoice", "--db", h.db, "--period", "2026-10", "--format", "json"])
        let second = try await h.etl(now: Self.night1)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try ETLHarness.facts(h.db) == facts)
        let again = try await CLI.runAsync(["invoice", "--db", h.db, "--period", "2026-10", "--format", "json"])
        #expect(again.stdout == invoice.stdout)
        #expect(again.stdout.contains("sandbox-csp"))
        let reader = try Database(path: h.db, mode: .readOnly)
        let runs = try reader.rows("SELECT status, json_extract(detail, '$.sources.\"sandbox-csp\".written') FROM etl_runs ORDER BY run_id")
        #expect(runs.map { $0[0].string } == ["ok", "ok"])
        #expect(runs.last?[1].int64 == 0, "the second run wrote nothing")
        #expect(try reader.scalar("SELECT count(*) FROM pending_reprice")?.int64 == 0)
    }

    @Test func lateRecordsArePickedUpTheNextNightAndChangeOnlyTheirMonth() async throws {
        let h = try await ETLHarness()
        #expect(try await h.etl(now: Self.night1).status == 0)
        let september = try ETLHarness.facts(h.db, where: "u.usage_start < '2026-10'")
        let octoberBefore = Set(try ETLHarness.facts(h.db, where: "u.usage_start >= '2026-10' AND u.usage_start < '2026-11'"))
        let reportedRows = "SELECT account_id, resource_id, meter_id, usage_start, reported_start, quantity FROM usage WHERE source = 'sandbox-csp'"
        let rowsBefore = Set(try Database(path: h.db, mode: .readOnly).rows(reportedRows).map { $0.map(\.description) })
        let septemberInvoice = try await ETLHarness.invoice(h.db, period: "2026-09")

        // What the sandbox reports on 2026-11-02 about October (late usage and negative
        // adjustments, which add to what earlier days reported: they never re-state it): the
        // (subscription, meter) pricing scopes whose October total may move.
        let org = h.server.organization
        var lateScopes: Set<String> = []
        for (_, subscription) in org.usageSubscriptions {
            for index in 0..<org.recordsPerDay {
                let record = org.record(subscription, reportedDay: UTCTime(year: 2026, month: 11, day: 2), index: index)
                if record.usageStart.month == "2026-10" { lateScopes.insert("\(subscription.id.lowercased())|\(record.meter.id.lowercased())") }
            }
        }
        try #require(!lateScopes.isEmpty, "seed 7 reports October usage late on 2026-11-02")

        let second = try await h.etl(now: Self.night2)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try ETLHarness.facts(h.db, where: "u.usage_start < '2026-10'") == september)
        #expect(try await ETLHarness.invoice(h.db, period: "2026-09") == septemberInvoice)
        let octoberAfter = Set(try ETLHarness.facts(h.db, where: "u.usage_start >= '2026-10' AND u.usage_start < '2026-11'"))
        let changed = octoberAfter.subtracting(octoberBefore).filter { $0.hasPrefix("sandbox-csp|") }
        #expect(!changed.isEmpty, "the late October records arrived")
        // Late usage adds rows of its own reported day: every row of the first night is still there.
        let rowsAfter = Set(try Database(path: h.db, mode: .readOnly).rows(reportedRows).map { $0.map(\.description) })
        #expect(rowsBefore.isSubset(of: rowsAfter))
        #expect(rowsAfter.count > rowsBefore.count)
        let outside = changed.filter { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            return !lateScopes.contains("\(f[1].lowercased())|\(f[3].lowercased())")
        }
        #expect(outside.isEmpty, "\(outside.count) October rows changed outside the late records' scopes, e.g. \(outside.first ?? "")")
    }

    @Test func sandboxFaultsDoNotChangeTheInvoice() async throws {
        let clean = try await ETLHarness(backfillFrom: "2026-10-27")
        let faulty = try await ETLHarness(faults: .all, faultPermille: 150, backfillFrom: "2026-10-27")
        #expect(try await clean.etl(now: Self.night1).status == 0)
        let result = try await faulty.etl(now: Self.night1)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(faulty.server.state.injectedFaults.values.reduce(0, +) > 5, "faults fired: \(faulty.server.state.injectedFaults)")
        for period in ["2026-10", "2026-11"] {
            #expect(try await ETLHarness.invoice(faulty.db, period: period) == ETLHarness.invoice(clean.db, period: period))
        }
        #expect(try ETLHarness.facts(faulty.db) == ETLHarness.facts(clean.db))
    }

    @Test func twoConcurrentRunsNeitherCorruptNorDouble() async throws {
        let h = try await ETLHarness(backfillFrom: "2026-10-20")
        let reference = try await ETLHarness(backfillFrom: "2026-10-20")
        #expect(try await reference.etl(now: Self.night1).status == 0)
        let a = try h.start(now: Self.night1)
        let b = try h.start(now: Self.night1)
        let (ra, rb) = (await a.result(), await b.result())
        #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr) \(rb.stderr)")
        let reader = try Database(path: h.db, mode: .readOnly)
        #expect(try reader.integrityCheck() == ["ok"])
        #expect(try reader.scalar("SELECT count(*) FROM etl_runs WHERE status = 'ok'")?.int64 == 2)
        #expect(try ETLHarness.facts(h.db) == ETLHarness.facts(reference.db))
        #expect(try await ETLHarness.invoice(h.db, period: "2026-10") == ETLHarness.invoice(reference.db, period: "2026-10"))
    }

    @Test func aHeldLockEndsTheRunWithExitCodeFour() async throws {
        let h = try await ETLHarness(extraYAML: "")
        try h.writeConfig(sources: [.partnerCenter], backfillFrom: "2026-10-30", extraYAML: "")
        var yaml = try String(contentsOfFile: h.config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "lock_wait_seconds: 120", with: "lock_wait_seconds: 0")
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: h.config))
        let lock = try RunLock(databasePath: h.db, wait: .zero)
        let result = try await h.etl(now: Self.night1)
        withExtendedLifetime(lock) {}
        #expect(result.status == 4)
        #expect(result.stderr.contains("another warehouse run holds"))
        #expect(!FileManager.default.fileExists(atPath: h.db), "nothing was touched")
    }

    @Test func oneFailingSourceLeavesTheOthersLoadedAndExitsThree() async throws {
        let h = try await ETLHarness(backfillFrom: "2026-10-30")
        let broken = h.dir.path("drop")
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        try Data("not,a,cost,export\n1,2,3,4\n".utf8).write(to: URL(fileURLWithPath: broken + "/bad.csv"))
        var yaml = try String(contentsOfFile: h.config, encoding: .utf8)
        yaml += "  - {name: exports, kind: files, path: \"\(broken)/*.csv\", import_kind: azure-cost-export}\n"
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: h.config))
        let result = try await h.etl(now: Self.night1)
        #expect(result.status == 3)
        #expect(result.stderr.contains("source 'exports' failed"))
        #expect(result.stderr.contains("bad.csv"))
        let reader = try Database(path: h.db, mode: .readOnly)
        #expect(try reader.scalar("SELECT count(*) FROM usage WHERE source = 'sandbox-csp'")?.int64 ?? 0 > 0)
        #expect(try reader.scalar("SELECT status FROM etl_runs")?.string == "partial")
        let errors = try reader.scalar("SELECT json_extract(detail, '$.sources.exports.errors[0]') FROM etl_runs")?.string ?? ""
        #expect(errors.contains("bad.csv"))
    }

    @Test func aMonthLeftQueuedIsWarnedAboutAndRepricedByTheNextRun() async throws {
        let h = try await ETLHarness(backfillFrom: "2026-10-28")
        #expect(try await h.etl(now: Self.night1).status == 0)
        let invoice = try await ETLHarness.invoice(h.db, period: "2026-10")
        // What a run killed between loading and pricing leaves: facts without charges, and the month queued.
        let write = try await CLI.runAsync([
            "sql", "--db", h.db, "--write",
            "INSERT INTO pending_reprice VALUES ('sandbox-csp', '2026-10', '2026-11-02T03:00:00Z'), ('sandbox-agol', '*', '2026-11-02T03:00:00Z')",
        ])
        #expect(write.status == 0, "\(write.stderr)")
        #expect(try await CLI.runAsync(["sql", "--db", h.db, "--write", "DELETE FROM charges WHERE period = '2026-10'"]).status == 0)
        let behind = try await CLI.runAsync(["invoice", "--db", h.db, "--period", "2026-10", "--format", "json"])
        #expect(behind.stderr.contains("a run stopped before pricing it"))
        #expect(try await h.etl(now: Self.night1).status == 0)
        #expect(try await ETLHarness.invoice(h.db, period: "2026-10") == invoice)
        let after = try await CLI.runAsync(["invoice", "--db", h.db, "--period", "2026-10", "--format", "json"])
        #expect(after.stderr.isEmpty, "\(after.stderr)")
    }

    @Test func azureCommerceSubscriptionsAreReadDayByDay() async throws {
        let h = try await ETLHarness(sources: [.azure], backfillFrom: "2026-10-26")
        let first = try await h.etl(now: Self.night1)
        #expect(first.status == 0, "\(first.stderr)")
        let reader = try Database(path: h.db, mode: .readOnly)
        // Every (subscription, resource, meter, day, reported day) the sandbox reported is one row.
        let org = h.server.organization
        let (from, to) = (UTCTime(year: 2026, month: 10, day: 26), UTCTime(year: 2026, month: 11, day: 2))
        var keys: Set<String> = []
        for subscription in org.directSubscriptions {
            for offset in 0..<org.recordCount(subscription, from: from, to: to) {
                let r = org.record(subscription, from: from, to: to, offset: offset)
                // The reported day is part of a row's identity: late usage is another row.
                keys.insert("\(subscription.id)|\(r.resource.uri.lowercased())|\(r.meter.id)|\(r.usageStart.iso8601)|\(r.reported.iso8601)")
            }
        }
        #expect(!keys.isEmpty)
        #expect(try reader.scalar("SELECT count(*) FROM usage WHERE source = 'sandbox-azure'")?.int64 == Int64(keys.count))
        #expect(try reader.scalar("SELECT count(*) FROM checkpoints WHERE source = 'sandbox-azure' AND stream LIKE 'usage/%'")?.int64 == 1)
        let facts = try ETLHarness.facts(h.db)
        #expect(try await h.etl(now: Self.night1).status == 0)
        #expect(try ETLHarness.facts(h.db) == facts)
    }

    @Test func jsonLogLinesForCollectors() async throws {
        let h = try await ETLHarness(backfillFrom: "2026-10-31")
        let result = try await CLI.runAsync(
            ["etl", "--db", h.db, "--config", h.config, "--now", Self.night1, "--log-format", "json"], environment: ["no_proxy": "127.0.0.1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.allSatisfy { $0 != nil })
        #expect(lines.contains { $0?["event"] as? String == "run" && $0?["status"] as? String == "ok" })
        #expect(lines.filter { $0?["event"] as? String == "source" }.count == 2)
    }
}
