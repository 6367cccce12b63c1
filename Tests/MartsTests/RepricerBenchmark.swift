import Foundation
import Load
import Marts
import Testing

/// A month of about a million usage rows, repriced three times. Runs only when
/// `WAREHOUSE_BENCH_ROWS` is set (scripts/bench-reprice.sh); it prints its figures and checks
/// what must hold at that size, never how long it took.
@Suite struct RepricerBenchmark {
    static let rows = ProcessInfo.processInfo.environment["WAREHOUSE_BENCH_ROWS"].flatMap(Int.init)

    @Test(.enabled(if: rows != nil, "set WAREHOUSE_BENCH_ROWS to run"))
    func aMonthOfAMillionRows() throws {
        // 20 subscriptions × 33 resources × 50 meters × 30 days = 990,000 distinct natural keys.
        let count = min(Self.rows ?? 0, 990_000)
        let f = try PricingFixture()
        func timed(_ label: String, _ body: () throws -> Void) rethrows {
            let clock = ContinuousClock()
            let elapsed = try clock.measure(body)
            print("bench: \(label): \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .abbreviated)))")
        }
        try timed("insert \(count) usage rows") {
            try f.db.transaction {
                for meter in 0..<50 {
                    try f.rates(meter: "meter-\(meter)", [("0", "0.0832"), ("1024", "0.0819"), ("51200", "0.0806")], included: meter % 5 == 0 ? "100" : "0")
                }
                try f.db.run("""
                    INSERT INTO usage (source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit,
                                       subscription_id, resource_group, tags)
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
                    SELECT 'csp', 'sub-' || (i % 20), '/subscriptions/sub-' || (i % 20) || '/vm' || (i / 20 % 33),
                           'meter-' || (i / 660 % 50),
                           printf('2026-10-%02dT00:00:00Z', i / 33000 % 30 + 1), printf('2026-10-%02dT23:59:59Z', i / 33000 % 30 + 1),
                           printf('%d.%03d', i % 17, i % 1000), 'Hours', 'sub-' || (i % 20), 'rg-' || (i / 20 % 33 % 5),
                           CASE WHEN i % 3 = 0 THEN '{}' ELSE '{"costCenter":"cc' || (i / 20 % 7) || '"}' END
                    FROM n
                    """, count)
            }
        }
        let repricer = Repricer(db: f.db, config: .defaults)
        var summary = RepriceSummary()
        try timed("first reprice (everything new)") { summary = try f.db.transaction { try repricer.reprice(source: nil, periods: ["2026-10"]) } }
        print("bench: \(summary.scopes) scopes, \(summary.charges) charges")
        #expect(summary.charges == count)
        let before = f.db.totalChanges
        try timed("second reprice (nothing changed)") { _ = try f.db.transaction { try repricer.reprice(source: nil, periods: ["2026-10"]) } }
        #expect(f.db.totalChanges == before)
        try f.db.run("UPDATE usage SET quantity = '1000' WHERE usage_id % 100 = 0")
        try timed("third reprice (1% of rows changed)") { _ = try f.db.transaction { try repricer.reprice(source: nil, periods: nil) } }
        #expect(try f.int("SELECT count(*) FROM charges") == Int64(count))
        #expect(try f.int("SELECT sum(amount_micros) FROM charges") == f.int("SELECT sum(cost_micros) FROM charge_scopes"))
    }
}
