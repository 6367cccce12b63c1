import Config
import Foundation
import Load
@testable import Marts
import TestSupport
import Testing
import Transform
import WarehouseCore

@Suite struct RepricerTests {
    /// Ten days of 25 units under {0: 1.00, 200: 0.90}: 250 units, 245.00.
    func tenDays(_ f: PricingFixture) throws {
        try f.rates([("200", "0.90"), ("0", "1.00")])
        for day in 1...10 {
            try f.usage(start: String(format: "2026-10-%02dT00:00:00Z", day), quantity: "25")
        }
    }

    @Test func pricesTheMonthTotalAndSharesItAmongRows() throws {
        let f = try PricingFixture()
        try tenDays(f)
        let summary = try Repricer(db: f.db, config: .defaults).reprice(source: nil, periods: nil)
        #expect(summary == RepriceSummary(scopes: 1, charges: 10, unpricedScopes: 0))
        let scope = try f.db.rows("SELECT total_quantity, currency, cost_micros, bands, discount, period FROM charge_scopes")
        #expect(scope == [[
            .text("250"), .text("USD"), .integer(245_000_000),
            .text(#"[{"from":"0","to":"200","quantity":"200","unit_price":"1","amount":"200"},{"from":"200","to":null,"quantity":"50","unit_price":"0.9","amount":"45"}]"#),
            .text("0"), .text("2026-10"),
        ]])
        #expect(try f.strings("SELECT DISTINCT amount_micros || ' ' || currency || ' ' || cost_center FROM invoice_lines") == [
            "24500000 USD Unassigned"
        ])
        #expect(try f.int("SELECT sum(amount_micros) FROM invoice_lines WHERE priced = 1") == 245_000_000)
    }

    @Test func repricingUnchangedDataChangesNothing() throws {
        let f = try PricingFixture()
        try tenDays(f)
        try f.usage(meter: "no-rate", start: "2026-10-03T00:00:00Z", quantity: "2", tags: #"{"CostCenter":"Ops"}"#)
        let repricer = Repricer(db: f.db, config: .defaults)
        try repricer.reprice(source: nil, periods: nil)
        let before = f.db.totalChanges
        let snapshot = try f.snapshot()
        let summary = try repricer.reprice(source: nil, periods: ["2026-10"])
        try repricer.reprice(source: "csp", periods: nil)
        #expect(f.db.totalChanges == before)
        #expect(try f.snapshot() == snapshot)
        #expect(summary == RepriceSummary(scopes: 2, charges: 11, unpricedScopes: 1))
    }

    @Test func aDeletedUsageRowLeavesNoChargeAndItsScopeIsRepriced() throws {
        let f = try PricingFixture()
        try tenDays(f)
        let lone = try f.usage(meter: "meter-b", start: "2026-10-02T00:00:00Z", quantity: "1")
        let repricer = Repricer(db: f.db, config: .defaults)
        try repricer.reprice(source: nil, periods: nil)
        try f.db.run("DELETE FROM usage WHERE usage_id IN (?, 1)", lone)
        #expect(try f.int("SELECT count(*) FROM charges") == 9)
        try repricer.reprice(source: nil, periods: ["2026-10"])
        // 225 units now: 200 + 25 × 0.9 = 222.5, shared by 9 rows; the two extra micro-units go to
        // the rows that sort first (the earliest days).
        #expect(try f.int("SELECT cost_micros FROM charge_scopes WHERE meter_id = 'meter-a'") == 222_500_000)
        #expect(try f.int("SELECT count(*) FROM charge_scopes") == 1)
        #expect(try f.int("SELECT sum(amount_micros) FROM charges") == 222_500_000)
        #expect(try f.strings("SELECT amount_micros FROM charges ORDER BY usage_id") == ["24722223", "24722223"] + Array(repeating: "24722222", count: 7))
    }

    @Test func aMeterWithoutARateIsUnpricedNotZero() throws {
        let f = try PricingFixture()
        try f.usage(meter: "mystery", start: "2026-10-01T00:00:00Z", quantity: "3")
        let summary = try Repricer(db: f.db, config: .defaults).reprice(source: nil, periods: nil)
        #expect(summary.unpricedScopes == 1)
        #expect(try f.db.rows("SELECT amount_micros, currency, priced FROM invoice_lines") == [[.null, .null, .integer(0)]])
        #expect(try f.db.rows("SELECT cost_micros, currency, bands FROM charge_scopes") == [[.null, .null, .text("[]")]])
        #expect(try f.int("SELECT count(*) FROM unpriced_usage") == 1)
    }

    @Test func creditsUseTheConfiguredPriceAndUserTags() throws {
        let f = try PricingFixture()
        try f.db.run(#"INSERT INTO users (source, user_name, tags) VALUES ('agol', 'asmith', '["costCenter:Ops"]')"#)
        for (user, credits) in [("asmith", "10"), ("jdoe", "2.5")] {
            try f.usage(source: "agol", account: "org1", resource: user, meter: "geocode.batch", start: "2026-10-04T00:00:00Z",
                        quantity: credits, unit: "credits", user: user)
        }
        var config = WarehouseConfig.defaults
        config.pricing.creditPrice = dec("0.16")
        config.costCenters.rules = [CostCenterRule(.user("jdoe"), costCenter: "GIS")]
        try Repricer(db: f.db, config: config).reprice(source: "agol", periods: ["2026-10"])
        #expect(try f.strings("SELECT user_name || ' ' || cost_center || ' ' || amount_micros FROM invoice_lines ORDER BY 1") == [
            "asmith Ops 1600000", "jdoe GIS 400000",
        ])
        config.pricing.creditPrice = nil
        try Repricer(db: f.db, config: config).reprice(source: nil, periods: nil)
        #expect(try f.int("SELECT count(*) FROM invoice_lines WHERE priced = 0") == 2)
    }

    @Test func costCentersGroupCaseInsensitivelyUnderTheMostCommonSpelling() throws {
        let f = try PricingFixture()
        try f.rates([("0", "1")])
        let tags = [#"{"costCenter":"Ops"}"#, #"{"CostCenter":"OPS"}"#, #"{"cost-center":"OPS"}"#, #"{"cost_center":"ops"}"#, "{}"]
        for (index, tag) in tags.enumerated() {
            try f.usage(resource: "vm\(index)", start: "2026-10-01T00:00:00Z", quantity: "1", tags: tag)
        }
        let repricer = Repricer(db: f.db, config: .defaults)
        try repricer.reprice(source: nil, periods: nil)
        #expect(try f.strings("SELECT cost_center_key || '=' || display_name FROM cost_centers ORDER BY 1") == [
            "ops=OPS", "unassigned=Unassigned",
        ])
        #expect(try f.strings("SELECT cost_center || ' ' || amount_micros FROM cost_by_cost_center_month ORDER BY 1") == [
            "OPS 4000000", "Unassigned 1000000",
        ])
        // A new rule re-assigns without extracting again; a cost center nobody uses any more goes.
        var config = WarehouseConfig.defaults
        config.costCenters.rules = [CostCenterRule(.subscription("SUB-1"), costCenter: "Platform")]
        config.costCenters.rules.append(CostCenterRule(.tag(keys: ["costCenter"], value: nil), costCenter: "$value"))
        try Repricer(db: f.db, config: config).reprice(source: nil, periods: nil)
        #expect(try f.strings("SELECT cost_center_key || '=' || display_name FROM cost_centers") == ["platform=Platform"])
    }

    @Test func onlyThePeriodsAndSourceAskedForAreRepriced() throws {
        let f = try PricingFixture()
        try f.rates([("0", "1")])
        try f.rates(source: "other", [("0", "2")])
        try f.usage(start: "2026-09-30T00:00:00Z", quantity: "1")
        try f.usage(start: "2026-10-01T00:00:00Z", quantity: "1")
        try f.usage(source: "other", start: "2026-10-01T00:00:00Z", quantity: "1")
        let repricer = Repricer(db: f.db, config: .defaults)
        try repricer.reprice(source: "csp", periods: ["2026-10"])
        #expect(try f.strings("SELECT source || ' ' || period FROM charge_scopes") == ["csp 2026-10"])
        try repricer.reprice(source: nil, periods: ["2026-09", "2026-10"])
        #expect(try f.strings("SELECT source || ' ' || period || ' ' || cost_micros FROM charge_scopes ORDER BY 1") == [
            "csp 2026-09 1000000", "csp 2026-10 1000000", "other 2026-10 2000000",
        ])
        #expect(throws: RepriceError.self) { try repricer.reprice(source: nil, periods: ["October"]) }
    }

    @Test func effectiveDatesOfferTermsAndIncludedQuantityFromTheTables() throws {
        let f = try PricingFixture()
        try f.rates(effective: "2026-01-01", [("0", "1"), ("5", "2")], included: "5")
        try f.rates(effective: "2026-10-20T00:00:00Z", [("0", "10")])  // mid-month change
        try f.rates(currency: "EUR", effective: "2026-01-01", [("0", "99")])  // another currency: not ours
        try f.db.run("""
            INSERT INTO offer_terms (source, name, currency, effective_date, discount, excluded_meter_ids)
            VALUES ('csp', 'Overage discount', 'USD', '2014-01-01T00:00:00', '0.15', '["METER-X"]')
            """)
        try f.usage(start: "2026-10-01T00:00:00Z", quantity: "8")
        try f.usage(resource: "vm2", start: "2026-10-19T00:00:00Z", quantity: "8")
        try f.usage(resource: "vm3", start: "2026-10-20T00:00:00Z", quantity: "4")
        try f.usage(meter: "meter-x", start: "2026-10-01T00:00:00Z", quantity: "1")
        try f.rates(meter: "meter-x", [("0", "3")])
        try Repricer(db: f.db, config: .defaults).reprice(source: nil, periods: nil)
        // Total 20. Old card: 0×5 + 1×5 + 2×10 = 25, share 16/20 = 20. New card: 10×20 = 200, share 4/20 = 40.
        // 60 less 15% = 51: 8 units -> 25 × 0.85 × 8/20 = 8.5 each, 4 -> 200 × 0.85 × 4/20 = 34.
        // meter-x is excluded from the discount: 3.
        #expect(try f.strings("SELECT amount_micros FROM charges ORDER BY usage_id") == ["8500000", "8500000", "34000000", "3000000"])
        #expect(try f.db.rows("SELECT cost_micros, discount FROM charge_scopes WHERE meter_id = 'meter-a'") == [
            [.integer(51_000_000), .text("9")]
        ])
        var volume = WarehouseConfig.defaults
        volume.pricing.tierMode = .volume
        try Repricer(db: f.db, config: volume).reprice(source: nil, periods: nil)
        // Old card by volume: 15 beyond the included 5, all at 2 = 30, share 16/20 = 24; new: 40; less 15%.
        #expect(try f.int("SELECT cost_micros FROM charge_scopes WHERE meter_id = 'meter-a'") == 54_400_000)
    }

    @Test func billedCostsAndCustomersFromSubscriptions() throws {
        let f = try PricingFixture()
        try f.db.run("INSERT INTO subscriptions (source, subscription_id, customer_id) VALUES ('csp', 'SUB-1', 'cust-9')")
        try f.usage(start: "2026-10-01T00:00:00Z", quantity: "3", cost: "1.2345675", costCurrency: "EUR")
        var config = WarehouseConfig.defaults
        config.costCenters.rules = [CostCenterRule(.customer("CUST-9"), costCenter: "Contoso")]
        try Repricer(db: f.db, config: config).reprice(source: nil, periods: nil)
        #expect(try f.db.rows("SELECT amount_micros, currency, cost_center, customer_id FROM invoice_lines") == [
            [.integer(1_234_568), .text("EUR"), .text("Contoso"), .text("cust-9")]
        ])
    }

    @Test func unreadableUsageFailsAndLeavesEverythingAsItWas() throws {
        let f = try PricingFixture()
        try tenDays(f)
        let repricer = Repricer(db: f.db, config: .defaults)
        try repricer.reprice(source: nil, periods: nil)
        let snapshot = try f.snapshot()
        try f.usage(resource: "bad", start: "2026-10-11T00:00:00Z", quantity: "12abc")
        let error = #expect(throws: RepriceError.self) { try repricer.reprice(source: nil, periods: nil) }
        #expect(error?.description.contains(#"quantity "12abc" is not a number"#) == true)
        #expect(try f.snapshot() == snapshot)
    }
}

/// The queue of pricing scopes (`pending_scopes`) drained a batch at a time.
@Suite struct RepriceQueueTests {
    /// Scopes over three accounts, two meters and two months, some of a month queued whole.
    func queued(_ f: PricingFixture) throws {
        try f.rates([("0", "1.00")])
        try f.rates(meter: "meter-b", [("0", "2.00")])
        for account in ["sub-1", "sub-2", "sub-3"] {
            for meter in ["meter-a", "meter-b"] {
                for start in ["2026-09-05T00:00:00Z", "2026-10-05T00:00:00Z", "2026-10-06T00:00:00Z"] {
                    try f.usage(account: account, resource: "/subscriptions/\(account)/vm1", meter: meter, start: start, quantity: "3")
                }
            }
        }
        try f.db.run("""
            INSERT INTO pending_scopes (account_key, meter_key, period)
            SELECT DISTINCT account_key, meter_key, strftime('%Y-%m', usage_start, 'unixepoch') FROM usage_facts
            """)
    }

    /// However small the batches, every queued scope is priced once, the queue is emptied, and
    /// the charges are what repricing everything gives.
    @Test(arguments: [1, 2, 5, 10_000])
    func drainingInBatchesPricesEveryScope(batchSize: Int) throws {
        let f = try PricingFixture()
        try queued(f)
        let summary = try RepriceQueue(db: f.db).drain(config: .defaults, batchSize: batchSize)
        #expect(summary == RepriceSummary(scopes: 12, charges: 18, unpricedScopes: 0))
        #expect(try f.int("SELECT count(*) FROM pending_scopes") == 0)
        let drained = try f.snapshot()
        let changes = f.db.totalChanges
        try Repricer(db: f.db, config: .defaults).reprice(source: nil, periods: nil)
        #expect(f.db.totalChanges == changes)
        #expect(try f.snapshot() == drained)
    }

    /// Queued scopes are read and priced on a second connection (and thread) while the first
    /// writes, when that connection sees what the first does; never inside a transaction the
    /// first has open, whose writes it could not see: a row written there is priced all the same.
    @Test func aSecondConnectionReadsOnlyWhatIsCommitted() throws {
        let f = try PricingFixture()
        try queued(f)
        #expect(try RepriceQueue(db: f.db).readerForScopes() != nil)
        let summary = try f.db.transaction {
            try f.usage(account: "sub-4", resource: "/subscriptions/sub-4/vm1", start: "2026-10-07T00:00:00Z", quantity: "5")
            try f.db.run("INSERT INTO pending_scopes (account_key, meter_key, period) SELECT account_key, meter_key, '2026-10' FROM usage_facts WHERE quantity = '5'")
            #expect(try RepriceQueue(db: f.db).readerForScopes() == nil)
            return try RepriceQueue(db: f.db).drain(config: .defaults)
        }
        #expect(summary == RepriceSummary(scopes: 13, charges: 19, unpricedScopes: 0))
        #expect(try f.int("SELECT amount_micros FROM charges c JOIN usage u USING (usage_id) WHERE u.account_id = 'sub-4'") == 5_000_000)
    }

    /// A month queued whole covers its scopes: they are not priced a second time.
    @Test(arguments: [1, 3])
    func aMonthQueuedWholeCoversItsScopes(batchSize: Int) throws {
        let f = try PricingFixture()
        try queued(f)
        try RepriceQueue(db: f.db).enqueue(source: "csp", periods: ["2026-10"])
        let summary = try RepriceQueue(db: f.db).drain(config: .defaults, batchSize: batchSize)
        // October's 6 scopes by the month, September's 6 by the queue.
        #expect(summary == RepriceSummary(scopes: 12, charges: 18, unpricedScopes: 0))
        #expect(try f.int("SELECT count(*) FROM charge_scopes") == 12)
    }
}
