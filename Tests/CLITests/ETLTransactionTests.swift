import Foundation
import Load
import Testing

/// What `warehouse etl` asks of SQLite, read from its statement trace (`WAREHOUSE_SQL_TRACE`):
/// one transaction per page, the raw page, facts, queue and checkpoint inside it, and no
/// savepoint (a nested transaction per page was the cost the re-cut removed).
@Suite struct ETLTransactionTests {
    @Test func theNightlyRunOpensOneTransactionPerPageAndNoSavepoint() async throws {
        let h = try await ETLHarness(sources: [.partnerCenter, .arcgis], backfillFrom: "2026-10-25")
        let trace = h.dir.path("statements.sql")
        let run = try await CLI.runAsync(
            ["etl", "--db", h.db, "--config", h.config, "--now", "2026-11-02T03:00:00Z", "--log-format", "text"],
            environment: ["no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1", "WAREHOUSE_SQL_TRACE": trace])
        #expect(run.status == 0, "\(run.stderr)")
        let statements = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map { $0.uppercased() }
        let savepoints = statements.filter { $0.hasPrefix("SAVEPOINT") }
        let begins = statements.filter { $0.hasPrefix("BEGIN") }.count
        let reader = try Database(path: h.db, mode: .readOnly)
        let pages = try #require(try reader.scalar("SELECT pages FROM etl_runs ORDER BY run_id DESC LIMIT 1")?.int64)
        #expect(pages > 20)
        #expect(savepoints.isEmpty, "savepoints: \(savepoints.prefix(3))")
        // A transaction per page loaded or skipped, plus the run's own, its record and the repricing.
        #expect(begins >= Int(pages))
        #expect(statements.contains { $0.hasPrefix("INSERT INTO RAW_PAGES") || $0.contains("RAW_PAGES") })
        // Statement text only: nothing bound (the sandbox's secret) is ever written.
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(!text.contains("sandbox-client-secret"))
    }
}
