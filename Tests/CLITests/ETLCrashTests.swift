import Foundation
import Ingest
import Load
import Pipeline
import Streams
import Testing
import WarehouseCore

/// `warehouse etl` killed with SIGKILL at random moments: after every kill the file is whole, no
/// half batch is visible, and a following run ends with exactly what an uninterrupted run makes.
/// `scripts/crash-test.sh N` does the same with as many kills as you like; `WAREHOUSE_CRASH_SEED`
/// replays the kill moments of a printed seed.
@Suite struct ETLCrashTests {
    static let night = "2026-11-02T03:00:00Z"

    @Test func killedAtRandomMomentsTheNextRunCompletesExactly() async throws {
        let h = try await ETLHarness(backfillFrom: "2026-10-12")
        let reference = h.dir.path("reference.db")
        let clock = ContinuousClock()
        let began = clock.now
        #expect(try await h.etl(now: Self.night, db: reference).status == 0)
        var full = max(200, Int((clock.now - began).components.seconds * 1000 + (clock.now - began).components.attoseconds / 1_000_000_000_000_000))
        let expectedFacts = try ETLHarness.facts(reference)
        let expectedInvoices = [try await ETLHarness.invoice(reference, period: "2026-10"), try await ETLHarness.invoice(reference, period: "2026-11")]

        // WAREHOUSE_CRASH_SEED=N replays a failed run's kill moments (as far as timing allows).
        var seed = ProcessInfo.processInfo.environment["WAREHOUSE_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64(clock.now.hashValue & 0xffff)
        print("crash test: seed \(seed) (replay: WAREHOUSE_CRASH_SEED=\(seed) swift test --filter ETLCrashTests), an uninterrupted run takes \(full) ms")
        // Rounds of two kills on a fresh file, then a run to the end, until 20 kills have landed
        // inside a run (a kill after the run ended is not counted).
        var landed = 0, attempts = 0, round = 0
        while landed < 20 && attempts < 60 {
            let db = h.dir.path("crash-\(round).db")
            for share in [0.8, 0.5] {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let delay = Int((seed >> 33) % UInt64(max(1, Int(Double(full) * share))))
                let run = try h.start(now: Self.night, db: db)
                try await Task.sleep(for: .milliseconds(delay))
                run.kill()
                let result = await run.result()
                attempts += 1
                // Aim the next kills inside the run: shorten the range after a run that ended first.
                if result.status == -SIGKILL { landed += 1 } else { full = max(200, full * 3 / 4) }
                try Self.checkWhole(db)
            }
            let final = try await h.etl(now: Self.night, db: db)
            #expect(final.status == 0, "\(final.stderr)")
            #expect(try ETLHarness.facts(db) == expectedFacts, "round \(round): facts differ from the uninterrupted run")
            #expect(try await ETLHarness.invoice(db, period: "2026-10") == expectedInvoices[0])
            #expect(try await ETLHarness.invoice(db, period: "2026-11") == expectedInvoices[1])
            let reader = try Database(path: db, mode: .readOnly)
            #expect(try reader.scalar("SELECT count(*) FROM etl_runs WHERE status = 'running'")?.int64 == 0)
            round += 1
        }
        #expect(landed >= 20, "only \(landed) of \(attempts) kills landed inside a run")
        print("crash test: \(landed) kills landed in \(attempts) attempts over \(round) rounds")
    }

    /// What must hold after any kill: SQLite's own checks; every stored usage page's facts all
    /// present (a page and its facts commit together); every usage row charged unless its month
    /// waits in the repricing queue.
    static func checkWhole(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let db = try Database(path: path, mode: .readOnly)
        guard try db.schemaVersion() == Migrations.latestVersion else { return }  // killed while creating it
        #expect(try db.integrityCheck() == ["ok"])
        #expect(try db.rows("PRAGMA foreign_key_check").isEmpty)
        let store = RawPageStore(db)
        for page in try store.pages() where page.kind == StreamSpec.pcUtilization.name || page.kind == StreamSpec.agolUsage.name {
            let kind = try #require(StreamSpec.named(page.kind))
            let options = try #require(ImportOptions(kind: kind, source: page.source, contextJSON: page.context))
            let batch = try Loader.decode(try store.body(page.pageID), file: page.request, options: options, now: .now())
            for fact in batch.usage {
                let found = try db.scalar(
                    """
                    SELECT count(*) FROM usage WHERE source = ? AND account_id = ? AND resource_id = ? AND meter_id = ? AND usage_start = ?
                    AND usage_end = ? AND reported_start = ? AND reported_end = ?
                    """,
                    fact.source, fact.accountID, fact.resourceID, fact.meterID, fact.usageStart, fact.usageEnd, fact.reportedStart,
                    fact.reportedEnd)?.int64
                #expect(found == 1, "page \(page.pageID) is stored but its fact \(fact.resourceID) \(fact.usageStart) is not")
                if found != 1 { return }
            }
        }
        // Every usage row without a charge has its month queued, or (schema version 5) its scope.
        let unqueued = try db.rows("""
            SELECT a.source, strftime('%Y-%m', f.usage_start, 'unixepoch') AS period, count(*)
            FROM usage_facts f JOIN account_keys a ON a.account_key = f.account_key LEFT JOIN charge_facts c ON c.usage_id = f.usage_id
            WHERE c.usage_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM pending_scopes p WHERE p.account_key = f.account_key AND p.meter_key = f.meter_key
                              AND p.period = strftime('%Y-%m', f.usage_start, 'unixepoch'))
              AND NOT EXISTS (SELECT 1 FROM pending_reprice r WHERE r.source = a.source
                              AND r.period IN (strftime('%Y-%m', f.usage_start, 'unixepoch'), '*'))
            GROUP BY 1, 2
            """)
        #expect(unqueued.isEmpty, "usage rows have no charge and are not queued for repricing: \(unqueued)")
    }
}
