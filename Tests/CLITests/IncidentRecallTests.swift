import Foundation
import TestSupport
import Testing

/// Issue 18's measure: `warehouse demo` over three months of the sandbox with the planted
/// incidents, then `scripts/check_anomalies.py measure` (standard-library Python over the SQLite
/// file): every incident is flagged in its own series, and other flagged days stay under 2 per 100
/// series-days over every grouping. The same command line reproduces the figures in the README.
@Suite struct IncidentRecallTests {
    @Test func everyPlantedIncidentIsReportedAndLittleElse() async throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("demo.db")
        let demo = try CLI.run([
            "demo", "--db", db, "--now", "2026-12-01T06:00:00Z", "--since", "2026-09-01", "--incidents", "2026-11-01",
        ])
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.components(separatedBy: "\nincident: ").count == 4, "three incidents in the banner: \(demo.stdout)")
        try demo.stdout.write(toFile: dir.path("demo.out"), atomically: true, encoding: .utf8)
        let out = try await AnomalyReportTests.python(["measure", db, "--period", "2026-09-01..2026-11-30", "--incidents-from", dir.path("demo.out")])
        let measured = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(measured["recall_percent"] as? Int == 100, "\(out)")
        let perHundred = try #require(Decimal(string: measured["other_per_100_series_days"] as? String ?? ""))
        #expect(perHundred <= 2, "\(out)")
        #expect((measured["series_days"] as? Int ?? 0) > 5_000, "three months of series-days judged")
        // The report itself flags each incident's first day in its series.
        for (group, day) in [("subscription", "2026-11-01"), ("user", "2026-11-08"), ("subscription", "2026-11-15")] {
            let report = try AnomalyReportTests.json(db, group, period: "2026-11")
            #expect(AnomalyReportTests.rows(report, "anomalies").contains { $0["day"] == day }, "\(group) \(day)")
        }
    }
}
