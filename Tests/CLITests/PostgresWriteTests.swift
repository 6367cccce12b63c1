import Foundation
import Load
import Postgres
import Query
import Sandbox
import TestSupport
import Testing

/// The commands that write (`demo`, `etl`, `import`, `rebuild`) on PostgreSQL: the same inputs,
/// loaded once into a file and once into a database, read the same through every invoice, report,
/// FOCUS export and `status`.
@Suite(.postgresCluster, .serialized)
struct PostgresWriteTests {
    static let now = "2026-11-15T06:00:00Z"

    /// Blanks every ISO-8601 time later than `now`: the wall-clock times at which pages were
    /// fetched and runs started, which two independent runs do not share. Every time the data
    /// holds is at or before `now`, so nothing else is touched.
    static func scrubbing(after now: String) -> @Sendable (String) -> String {
        { text in
            let pattern = try! NSRegularExpression(pattern: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#)
            var out = text
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
                let range = Range(match.range, in: text)!
                if text[range] > now { out.replaceSubrange(Range(match.range, in: out)!, with: "<wall clock>") }
            }
            return out
        }
    }

    /// `demo` against a file and against a database, each with its own sandbox of the same seed
    /// and clock; then `rebuild` on both.
    @Test func theDemoRunsOnPostgreSQLAsOnAFile() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let file = dir.path("demo.db")
        let url = try await cluster.database("demo")
        let proxy = ["no_proxy": "127.0.0.1"]
        let lite = try await CLI.runAsync(["demo", "--db", file, "--now", Self.now], environment: proxy)
        let pg = try await CLI.runAsync(
            ["demo", "--db", url, "--now", Self.now], environment: proxy.merging(cluster.environment) { $1 }, directory: dir.url)
        #expect(lite.status == 0 && pg.status == 0, "\(lite.stderr) \(pg.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("warehouse-demo.yaml")), "the configuration is written in the current directory")
        let scrub = Self.scrubbing(after: Self.now)
        func invoice(_ stdout: String, _ db: String) -> String {
            scrub(String(stdout[(stdout.range(of: "Invoice for")?.lowerBound ?? stdout.endIndex)...])).replacingOccurrences(of: db, with: "DB")
        }
        #expect(!invoice(lite.stdout, file).isEmpty && invoice(pg.stdout, url) == invoice(lite.stdout, file))
        try PostgresReadTests.readsAgree(file: file, url: url, cluster: cluster, scrub: scrub, loadedApart: true)
        let rebuilt = try PostgresReadTests.both(["rebuild"], file: file, url: url, cluster: cluster, scrub: scrub)
        #expect(rebuilt.0.status == 0 && rebuilt.1.stdout == rebuilt.0.stdout, "\(rebuilt.1.stderr)")
        try PostgresReadTests.readsAgree(file: file, url: url, cluster: cluster, scrub: scrub, loadedApart: true)
    }

    /// Every captured payload under `contracts/samples` (and the fixtures made from them), imported
    /// with the same options: the same counts printed, then the same reads; a second import of
    /// them all changes nothing on either.
    @Test func everySampleImportsAlike() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let file = dir.path("samples.db")
        let url = try await cluster.database("samples")
        for pass in 1...2 {
            for (fixture, arguments) in Self.samples {
                let path = dir.path(fixture)
                try Fixture.data(fixture).write(to: URL(fileURLWithPath: path))
                let (lite, pg) = try PostgresReadTests.both(["import", path] + arguments, file: file, url: url, cluster: cluster)
                #expect(lite.status == 0 && !lite.stdout.isEmpty && pg.stdout == lite.stdout, "pass \(pass): \(fixture) \(pg.stderr)")
            }
        }
        try PostgresReadTests.readsAgree(file: file, url: url, cluster: cluster, scrub: Self.scrubbing(after: Self.now), everyReport: false, loadedApart: true)
    }

    static let samples: [(String, [String])] = [
        ("GetAzureRateCard.json", ["--kind", "pc-ratecard"]),
        ("ratecard-tiered.json", ["--kind", "pc-ratecard", "--source", "tiered"]),
        ("customers-page.json", ["--kind", "pc-customers"]),
        ("GetCustomerSubscription.json", ["--kind", "pc-subscriptions"]),
        ("GetAzureUtilization.json", ["--kind", "pc-utilization"]),
        ("GetUtilizationRecords.json", ["--kind", "pc-utilization"]),
        ("RateCard-spec-example.json", ["--kind", "azure-ratecard"]),
        ("UsageAggregates-spec-example.json", ["--kind", "azure-usage", "--reported-day", "2015-06-23"]),
        ("portals-self.json", ["--kind", "agol-self"]),
        ("users-page.json", ["--kind", "agol-users"]),
        ("items-page.json", ["--kind", "agol-items", "--as-of", "2026-11-15"]),
        ("usage-docstring-example.json", ["--kind", "agol-usage", "--org", "ORG"]),
        ("credits-report.csv", ["--kind", "agol-credits-csv", "--org", "ORG"]),
        ("credits-report-long.csv", ["--kind", "agol-credits-csv", "--org", "ORG"]),
        ("cost-export-ea.csv", ["--kind", "azure-cost-export"]),
        ("cost-export-mca.csv", ["--kind", "azure-cost-export"]),
    ]

    /// Two nights of `etl` from a sandbox that throttles, fails, truncates and garbles answers,
    /// into a file and into a database: the same exit, the same warehouse.
    @Test func aFaultedNightlyRunLoadsAlike() async throws {
        let cluster = try #require(PostgresCluster.current)
        let h = try await ETLHarness(faults: [.throttle, .serverError, .truncatedBody, .malformedJSON, .notReady], faultPermille: 150)
        let url = try await cluster.database("faulted")
        for night in [ETLTests.night1, ETLTests.night2] {
            let lite = try await h.etl(now: night)
            let pg = try await h.etl(now: night, db: url, environment: cluster.environment)
            #expect(lite.status == 0 && pg.status == 0, "\(night): \(lite.stderr) \(pg.stderr)")
        }
        try PostgresReadTests.readsAgree(file: h.db, url: url, cluster: cluster, scrub: Self.scrubbing(after: ETLTests.night2), everyReport: false, loadedApart: true)
    }

    /// A run's lock on PostgreSQL is an advisory lock: while another session holds it, `import`
    /// waits `lock_wait_seconds` and exits 4 having written nothing; once it is free, it runs.
    @Test func aHeldAdvisoryLockEndsARunWithExitCodeFour() async throws {
        let cluster = try #require(PostgresCluster.current)
        let dir = try TemporaryDirectory()
        let url = try await cluster.database("locked")
        let config = dir.path("warehouse.yaml")
        try Data("lock_wait_seconds: 1\n".utf8).write(to: URL(fileURLWithPath: config))
        let sample = dir.path("rates.json")
        try Fixture.data("GetAzureRateCard.json").write(to: URL(fileURLWithPath: sample))
        let command = ["import", "--kind", "pc-ratecard", sample, "--db", url, "--config", config]
        #expect(try CLI.run(["init", "--db", url], environment: cluster.environment).status == 0)
        let blocked = try await cluster.session("locked") { session in
            try await session.execute("SELECT pg_advisory_lock(hashtext('warehouse run warehouse'))")
            return try CLI.run(command, environment: cluster.environment)
        }
        #expect(blocked.status == 4, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("another warehouse run holds \(url)"), "\(blocked.stderr)")
        let pages = try await cluster.session("locked") { try await $0.scalar("SELECT count(*) FROM raw_pages") }
        #expect(pages == .integer(0))
        let free = try CLI.run(command, environment: cluster.environment)
        #expect(free.status == 0, "\(free.stderr)")
    }

    /// Many workers at once: on the first night the Partner Center and ArcGIS sources are loaded
    /// by two `etl` processes side by side (each holds its source's advisory lock and the
    /// warehouse's shared); on the second, two for the same source start together (one waits
    /// for the other's lock), then the ArcGIS one. The database ends as one run of both
    /// sources a night into a file does.
    @Test func workersOfDifferentSourcesLoadAtOnceAndEqualOneRun() async throws {
        let cluster = try #require(PostgresCluster.current)
        let h = try await ETLHarness()
        let url = try await cluster.database("workers")
        func etl(_ night: String, _ source: String) async throws -> CLI.Result {
            try await h.etl(now: night, ["--source", source], db: url, environment: cluster.environment)
        }
        #expect(try await h.etl(now: ETLTests.night1).status == 0)
        async let csp = etl(ETLTests.night1, "sandbox-csp")
        async let agol = etl(ETLTests.night1, "sandbox-agol")
        let first = try await [csp, agol]
        #expect(first.allSatisfy { $0.status == 0 }, "\(first.map(\.stderr))")

        #expect(try await h.etl(now: ETLTests.night2).status == 0)
        async let one = etl(ETLTests.night2, "sandbox-csp")
        async let other = etl(ETLTests.night2, "sandbox-csp")
        let same = try await [one, other]
        #expect(same.allSatisfy { $0.status == 0 }, "\(same.map(\.stderr))")
        #expect(try await etl(ETLTests.night2, "sandbox-agol").status == 0)

        let runs = try await cluster.session("workers") { try await $0.rows("SELECT status, count(*) FROM etl_runs GROUP BY 1 ORDER BY 1") }
        #expect(runs == [[.text("ok"), .integer(5)]], "no run of a live worker was marked interrupted")
        try PostgresReadTests.readsAgree(
            file: h.db, url: url, cluster: cluster, scrub: Self.scrubbing(after: ETLTests.night2), everyReport: false, loadedApart: true,
            status: false)
    }

    /// `etl` into PostgreSQL killed with SIGKILL at random moments (`PG=1 scripts/crash-test.sh N`
    /// does as many as you like): after every kill each usage row is charged or queued for
    /// repricing, and a run to the end then gives the invoices of an uninterrupted run.
    @Test func killedAtRandomMomentsTheNextRunIsExact() async throws {
        let cluster = try #require(PostgresCluster.current)
        let h = try await ETLHarness(backfillFrom: "2026-10-20")
        let night = ETLCrashTests.night
        #expect(try await h.etl(now: night).status == 0)
        let clock = ContinuousClock()
        let began = clock.now
        #expect(try await h.etl(now: night, db: try await cluster.database("crash_reference"), environment: cluster.environment).status == 0)
        var full = max(200, Int((clock.now - began) / .milliseconds(1)))
        var seed = UInt64(clock.now.hashValue & 0xffff)
        print("postgres crash test: seed \(seed), an uninterrupted run takes \(full) ms")
        var landed = 0, attempts = 0, round = 0
        while landed < 6 && attempts < 20 {
            let url = try await cluster.database("crash_\(round)")
            for share in [0.8, 0.5] {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let run = try h.start(now: night, db: url, environment: cluster.environment)
                try await Task.sleep(for: .milliseconds(Int((seed >> 33) % UInt64(max(1, Int(Double(full) * share))))))
                run.kill()
                let result = await run.result()
                attempts += 1
                if result.status == -SIGKILL { landed += 1 } else { full = max(200, full * 3 / 4) }
                let lost = try CLI.run(["sql", "--db", url, "--format", "csv", Self.unqueued], environment: cluster.environment)
                // A run killed before it made the schema leaves nothing to check.
                if lost.status == 0 { #expect(lost.stdout.split(whereSeparator: \.isNewline).last == "0", "round \(round): \(lost.stdout)") }
            }
            #expect(try await h.etl(now: night, db: url, environment: cluster.environment).status == 0)
            for period in ["2026-10", "2026-11"] {
                let (lite, pg) = try PostgresReadTests.both(
                    ["invoice", "--period", period, "--format", "json"], file: h.db, url: url, cluster: cluster, scrub: Self.scrubbing(after: night))
                #expect(lite.status == 0 && pg.stdout == lite.stdout, "round \(round) \(period)")
            }
            round += 1
        }
        #expect(landed >= 6, "only \(landed) of \(attempts) kills landed inside a run")
    }

    /// Usage rows with no charge whose scope or month is not queued: 0 after any kill.
    static let unqueued = """
        SELECT count(*) FROM usage u JOIN usage_facts f USING (usage_id) LEFT JOIN charges c USING (usage_id)
        WHERE c.usage_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM pending_scopes p
            WHERE p.account_key = f.account_key AND p.meter_key = f.meter_key AND p.period = substr(u.usage_start, 1, 7))
          AND NOT EXISTS (SELECT 1 FROM pending_reprice q WHERE q.source = u.source AND q.period IN (substr(u.usage_start, 1, 7), '*'))
        """
}
