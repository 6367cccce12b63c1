import Foundation
import Load
import Marts
import Testing
import WarehouseCore

/// `invoice_rollup` as the Repricer keeps it, compared with a sum of charges and usage made here.
@Suite struct InvoiceRollupTests {
    /// The rollup computed independently: every charge joined to its usage row, summed per
    /// dimension tuple in Swift, as sorted text lines.
    static func expected(_ f: PricingFixture) throws -> [String] {
        var sums: [String: (quantity: Decimal, amount: Int64?, records: Int)] = [:]
        try f.db.prepare("""
            SELECT c.period, u.source, u.account_id, u.meter_id, u.unit, c.currency, c.cost_center_key, u.user_name,
                   u.customer_id, u.subscription_id, u.resource_group, u.quantity, c.amount_micros
            FROM charges c JOIN usage u ON u.usage_id = c.usage_id
            """).forEachRow { row in
            let key = (0...10).map { row.optionalString($0) ?? "∅" }.joined(separator: "|")
            var entry = sums[key] ?? (0, nil, 0)
            entry.quantity += Decimal(string: row.string(11), locale: Locale(identifier: "en_US_POSIX")) ?? .nan
            if let amount = row.optionalInt64(12) { entry.amount = (entry.amount ?? 0) + amount }
            entry.records += 1
            sums[key] = entry
        }
        return sums.map { key, value in
            "\(key) = \(ExactDecimal.format(value.quantity)) \(value.amount.map(String.init) ?? "∅") \(value.records)"
        }.sorted()
    }

    /// The stored rollup in the same shape.
    static func stored(_ f: PricingFixture) throws -> [String] {
        try f.db.prepare("""
            SELECT period, source, account_id, meter_id, unit, currency, cost_center_key, user_name, customer_id,
                   subscription_id, resource_group, quantity, amount_micros, records FROM invoice_rollup
            """).map { row in
            let key = (0...10).map { row.optionalString($0) ?? "∅" }.joined(separator: "|")
            return "\(key) = \(ExactDecimal.format(ExactDecimal.parse(row.string(11)) ?? .nan)) \(row.optionalString(12) ?? "∅") \(row.int(13))"
        }.sorted()
    }

    /// Random priced usage (the property fixture's generator) spread over users, resource groups
    /// (in two spellings) and customers, plus a meter no rate prices.
    func load(seed: UInt64) throws -> PricingFixture {
        let (records, cards, included) = RepricerPropertyTests.generate(seed: seed)
        var g = Seeded(state: seed ^ 0xA5A5)
        let f = try PricingFixture()
        for (meter, tiers) in cards.sorted(by: { $0.key < $1.key }) {
            try f.rates(meter: meter, tiers, included: included[meter] ?? "0")
        }
        for r in records {
            try f.usage(
                account: r.account, resource: r.resource, meter: Int.random(in: 0..<20, using: &g) == 0 ? "no-rate" : r.meter,
                start: r.start, quantity: r.quantity, tags: r.tags,
                user: [nil, "alice", "bob", ""][Int.random(in: 0..<4, using: &g)],
                resourceGroup: [nil, "rg-a", "RG-A", "rg-b"][Int.random(in: 0..<4, using: &g)],
                customer: [nil, "cust-1", "cust-2"][Int.random(in: 0..<3, using: &g)])
        }
        try Repricer(db: f.db, config: .defaults).reprice(source: nil, periods: nil)
        return f
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func equalsTheChargesSummedAfterEveryReprice(seed: UInt64) throws {
        let f = try load(seed: seed)
        let repricer = Repricer(db: f.db, config: .defaults)
        #expect(try Self.stored(f) == Self.expected(f))
        #expect(try f.int("SELECT sum(records) FROM invoice_rollup") == f.int("SELECT count(*) FROM charges"))
        #expect(try f.int("SELECT count(*) FROM invoice_rollup WHERE amount_micros IS NULL") ?? 0 > 0)

        // A new price, corrected quantities, moved resource groups: only the rows that changed.
        try f.db.run("UPDATE rates SET unit_price = '0.777' WHERE meter_id = 'm1'")
        try f.db.run("UPDATE usage SET quantity = '1.5', resource_group = 'rg-c' WHERE usage_id % 7 = 0")
        try repricer.reprice(source: nil, periods: nil)
        #expect(try Self.stored(f) == Self.expected(f))

        // Usage deleted (its charges go with it): the scopes left are resummed, the vanished ones dropped.
        try f.db.run("DELETE FROM usage WHERE usage_id % 5 = 0 OR account_id = 'sub-0'")
        try repricer.reprice(source: nil, periods: ["2026-09"])
        try repricer.reprice(source: "csp", periods: ["2026-10"])
        #expect(try Self.stored(f) == Self.expected(f))
        #expect(try f.int("SELECT count(*) FROM invoice_rollup WHERE account_id = 'sub-0'") == 0)

        // The rebuild from charges and usage gives the same rows as the Repricer wrote.
        let written = try Self.stored(f)
        try InvoiceRollup.rebuild(f.db, periods: ["2026-09", "2026-10"])
        #expect(try Self.stored(f) == written)
        #expect(try InvoiceRollup.matchesCharges(f.db, period: "2026-10"))
    }

    @Test func outOfStepIsDetected() throws {
        let f = try load(seed: 21)
        #expect(try InvoiceRollup.matchesCharges(f.db, period: "2026-10"))
        let some = try #require(try f.int("SELECT min(usage_id) FROM charges WHERE period = '2026-10'"))
        try f.db.run("DELETE FROM usage WHERE usage_id = ?", some)
        #expect(try InvoiceRollup.matchesCharges(f.db, period: "2026-10") == false)
        #expect(try InvoiceRollup.matchesCharges(f.db, period: "2026-09"))
        try f.db.run("DELETE FROM invoice_rollup WHERE period = '2026-09'")
        #expect(try InvoiceRollup.matchesCharges(f.db, period: "2026-09") == false)
    }
}
