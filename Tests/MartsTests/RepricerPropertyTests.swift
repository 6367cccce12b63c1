import Foundation
import Load
import Marts
import TestSupport
import Testing
import Transform
import WarehouseCore

/// Knuth's MMIX linear congruential generator, seeded: the same cases every run.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }
}

@Suite struct RepricerPropertyTests {
    struct Record {
        let account: String
        let resource: String
        let meter: String
        let start: String
        let quantity: String
        let tags: String
    }

    /// Random usage of 3 accounts × 4 meters over two months, with corrections; rate cards with
    /// up to 3 tiers given in random key order, some with an included quantity.
    static func generate(seed: UInt64) -> (records: [Record], cards: [String: [(String, String)]], included: [String: String]) {
        var g = Seeded(state: seed)
        var cards: [String: [(String, String)]] = [:]
        var included: [String: String] = [:]
        for meter in 0..<4 {
            var tiers = [("0", "0.\(Int.random(in: 1...999, using: &g))")]
            for _ in 0..<Int.random(in: 0...2, using: &g) {
                tiers.append(("\(Int.random(in: 1...300, using: &g))", "0.0\(Int.random(in: 1...99, using: &g))"))
            }
            cards["m\(meter)"] = tiers.shuffled(using: &g)
            included["m\(meter)"] = Bool.random(using: &g) ? "\(Int.random(in: 1...40, using: &g))" : "0"
        }
        var records: [Record] = []
        var keys: Set<String> = []
        for _ in 0..<150 {
            let record = Record(
                account: "sub-\(Int.random(in: 0..<3, using: &g))", resource: "vm\(Int.random(in: 0..<6, using: &g))",
                meter: "m\(Int.random(in: 0..<4, using: &g))",
                start: String(format: "2026-%02d-%02dT00:00:00Z", Int.random(in: 9...10, using: &g), Int.random(in: 1...28, using: &g)),
                quantity: (Int.random(in: 0..<10, using: &g) == 0 ? "-" : "") + "\(Int.random(in: 0...90, using: &g)).\(Int.random(in: 0...999, using: &g))",
                tags: Bool.random(using: &g) ? "{}" : #"{"costCenter":"\#(["Ops", "ops", "GIS"][Int.random(in: 0..<3, using: &g)])"}"#)
            if keys.insert([record.account, record.resource, record.meter, record.start].joined(separator: "|")).inserted {
                records.append(record)
            }
        }
        return (records, cards, included)
    }

    func load(_ records: [Record], cards: [String: [(String, String)]], included: [String: String]) throws -> PricingFixture {
        let f = try PricingFixture()
        for (meter, tiers) in cards.sorted(by: { $0.key < $1.key }) {
            try f.rates(meter: meter, tiers, included: included[meter] ?? "0")
        }
        for r in records {
            try f.usage(account: r.account, resource: r.resource, meter: r.meter, start: r.start, quantity: r.quantity, tags: r.tags)
        }
        try Repricer(db: f.db, config: .defaults).reprice(source: nil, periods: nil)
        return f
    }

    static let byNaturalKey = """
        SELECT u.account_id || ' ' || u.resource_id || ' ' || u.meter_id || ' ' || u.usage_start || ' = '
               || c.amount_micros || ' ' || c.cost_center_key
        FROM charges c JOIN usage u USING (usage_id) ORDER BY 1
        """

    @Test(arguments: [UInt64(11), 12, 13])
    func chargesAddUpToTieredScopeTotalsAndIgnoreRecordOrder(seed: UInt64) throws {
        let (records, cards, included) = Self.generate(seed: seed)
        var g = Seeded(state: seed ^ 0xFFFF)
        let forward = try load(records, cards: cards, included: included)
        let shuffled = try load(records.shuffled(using: &g), cards: cards, included: included)
        #expect(try forward.strings(Self.byNaturalKey) == shuffled.strings(Self.byNaturalKey))
        #expect(try forward.strings(Self.byNaturalKey).count == records.count)

        // Each scope's cost is the card's price of the scope's total, computed here independently.
        var expectedTotal: Int64 = 0
        var totals: [String: Decimal] = [:]
        for r in records { totals["\(r.account) \(r.meter) \(r.start.prefix(7))", default: 0] += dec(r.quantity) }
        for (key, total) in totals {
            let meter = String(key.split(separator: " ")[1])
            let card = try #require(RateCard(
                currency: "USD", effectiveDay: "2026-01-01", rates: (cards[meter] ?? []).map { (tierMinimum: $0.0, unitPrice: $0.1) },
                includedQuantity: included[meter] ?? "0"))
            let cost = try #require(Micros.from(card.cost(of: total)))
            let parts = key.split(separator: " ")
            #expect(try forward.int(
                "SELECT cost_micros FROM charge_scopes WHERE account_id = ? AND meter_id = ? AND period = ?",
                String(parts[0]), String(parts[1]), String(parts[2])) == cost, "\(key)")
            expectedTotal += cost
        }
        #expect(try forward.int("SELECT sum(amount_micros) FROM charges") == expectedTotal)
        #expect(try forward.int("SELECT count(*) FROM charge_scopes") == Int64(totals.count))
        // Cost centers: Ops and ops are one, shown in the more common spelling.
        #expect(try forward.strings("SELECT cost_center_key FROM cost_centers ORDER BY 1").allSatisfy { ["gis", "ops", "unassigned"].contains($0) })
    }
}
