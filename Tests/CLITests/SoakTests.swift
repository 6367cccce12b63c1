import Foundation
import Load
import Sandbox
import Testing
import WarehouseCore

/// The nightly soak of issue 17 in short (`scripts/soak.sh` runs 90 nights): six consecutive
/// nights against one sandbox with every fault at 20% and restated windows, the fourth killed
/// with SIGKILL mid-run and run again. After each night the warehouse equals `warehouse rebuild`
/// of a copy of it (the reference: the same stored pages decoded again in one clean transaction;
/// a second warehouse would be told other things, because a restated window depends on what the
/// sandbox already served), and every day up to the night is loaded.
@Suite struct SoakTests {
    static let nights = 6, crashNight = 4

    static func night(_ n: Int) -> String {
        UTCTime.parse("2026-10-02T03:00:00Z")!.adding(days: n - 1).iso8601
    }

    @Test func sixNightsWithFaultsRestatementsAndACrashEqualTheirRebuild() async throws {
        let h = try await ETLHarness(faults: SandboxFaults.all.union(.restatedWindow), faultPermille: 200, backfillFrom: "2026-10-01")
        for n in 1...Self.nights {
            let now = Self.night(n)
            if n == Self.crashNight {
                // Killed mid-run: shorter delays until a kill lands before the run ends.
                var landed = false
                for delay in [250, 120, 50, 20] where !landed {
                    let run = try h.start(now: now)
                    try await Task.sleep(for: .milliseconds(delay))
                    run.kill()
                    landed = await run.result().status == -SIGKILL
                }
                #expect(landed, "night \(n): no kill landed inside the run")
            }
            let result = try await h.etl(now: now)
            #expect(result.status == 0, "night \(n): \(result.stderr)")
            try await Self.checkAgainstRebuild(h, night: n)
        }
        #expect(h.server.state.injectedFaults["restated-window", default: 0] > 0, "faults fired: \(h.server.state.injectedFaults)")
    }

    static func checkAgainstRebuild(_ h: ETLHarness, night n: Int) async throws {
        let copy = h.dir.path("rebuilt-\(n).db")
        let db = try Database(path: h.db, mode: .readOnly)
        #expect(try db.integrityCheck() == ["ok"])
        #expect(try db.scalar("SELECT count(*) FROM etl_runs WHERE status = 'running'")?.int64 == 0, "night \(n): a run left 'running'")
        let yesterday = UTCTime.parse(night(n))!.adding(days: -1).day
        #expect(try db.scalar("SELECT max(substr(reported_start, 1, 10)) FROM usage")?.string == yesterday, "night \(n): Partner Center")
        #expect(try db.scalar("SELECT max(substr(usage_start, 1, 10)) FROM usage WHERE meter_id NOT LIKE 'stg.%'")?.string == yesterday, "night \(n): ArcGIS")
        try Database(path: h.db, mode: .readWrite).execute("VACUUM INTO '\(copy)'")
        let rebuilt = try await CLI.runAsync(["rebuild", "--db", copy, "--config", h.config])
        #expect(rebuilt.status == 0, "night \(n): \(rebuilt.stderr)")
        #expect(try ETLHarness.facts(h.db) == ETLHarness.facts(copy), "night \(n): facts differ from the rebuilt copy")
        for period in try db.rows("SELECT DISTINCT substr(usage_start, 1, 7) FROM usage").compactMap({ $0[0].string }) {
            #expect(try await ETLHarness.invoice(h.db, period: period) == ETLHarness.invoice(copy, period: period), "night \(n), \(period)")
        }
    }
}
