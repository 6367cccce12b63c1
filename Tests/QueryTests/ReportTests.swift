import Foundation
import Load
import Query
import Testing

/// Reports on the fixture, with the figures worked by hand in `FixtureWarehouse`.
@Suite struct ReportTests {
    func report(_ kind: ReportKind, _ period: String, grouping: InvoiceGrouping = .costCenter) throws -> Report {
        let w = try TemporaryWarehouse()
        return try ReportBuilder(db: w.db).build(kind, period: try ReportPeriod(parsing: period), grouping: grouping)
    }

    @Test func creditsByServiceTypeLargestFirstThenByUser() throws {
        let r = try report(.credits, "2026-10")
        // 55 + 12.345 + 3.3333333333333 = 70.6783333333333 credits.
        #expect(r.section("by_service_type")?.rows == [
            ["geocode.svcusg", "Geocoding", "55", "77.8"],
            ["spanalysis.svcusg", "Spatial analysis", "12.345", "17.5"],
            ["features.stg", "Feature storage", "3.333", "4.7"],
            ["total", nil, "70.678", "100"],
        ])
        #expect(r.section("by_user")?.rows.map { [$0[0], $0[1], $0[2]] } == [
            ["alice", "Alice Martin", "55"], ["bob", "Bob Dupont", "12.345"], ["carol", "Carol King", "3.333"],
        ])
    }

    @Test func storageIsALevelPricedPerMonthFeaturesAndAttachmentsApart() throws {
        let r = try report(.storage, "2026-10")
        // alice: feature bytes 100 MB then 200 MB -> average 150 MB -> 150 / 10 x 2.4 = 36 credits;
        // attachments 1 GB -> 1.2 credits. bob: a 2 GB file -> 2.4 credits. carol: a view, nothing.
        // The November snapshot is outside the period.
        #expect(r.section("by_owner")?.rows == [
            ["alice", "1", "36", "1.2", "37.2"], ["bob", "1", "0", "2.4", "2.4"], ["carol", "1", "0", "0", "0"],
        ])
        #expect(r.section("by_item")?.rows.first == ["alice", "item-a", "Parcels", "Feature Service", "150", "36", "1", "1.2", "37.2"])
    }

    @Test func storageOverTwoMonthsAddsEachMonthsLevel() throws {
        let r = try report(.storage, "2026-10..2026-11")
        // November: alice's item has 9999999999 feature bytes for the month: 9999999999 / 10485760 x 2.4.
        let november = Decimal(9_999_999_999) / Decimal(10_485_760) * Decimal(string: "2.4")!
        let alice = try #require(r.section("by_owner")?.rows.first { $0[0] == "alice" })
        #expect(alice[2] == DecimalFormatting.threePlaces(36 + november))
    }

    @Test func budgetsFromTheLatestSnapshotWithTheSeedsThresholds() throws {
        let r = try report(.budgets, "2026-10")
        #expect(r.section("budgets")?.rows == [
            ["alice", "100", "5", "95", "5", "2026-10-20"],
            ["bob", "100", "30", "70", "30", "2026-10-20"],
            ["carol", "200", "160.5", "39.5", "80.3", "2026-10-20"],
            ["dave", nil, nil, nil, nil, "2026-10-20"],
        ])
        #expect(r.section("under_10_percent")?.rows.map { $0[0] } == ["alice"])
        #expect(r.section("under_50_percent")?.rows.map { $0[0] } == ["bob"])
        // A later period sees alice's refill.
        let november = try report(.budgets, "2026-11")
        #expect(november.section("under_10_percent")?.rows.isEmpty == true)
    }

    @Test func orgCreditsOverTimeWithTheChange() throws {
        let r = try report(.org, "2026-10")
        #expect(r.section("org_credits")?.rows == [
            ["2026-10-01", "org1", "5000", "-100", "yes"],
            ["2026-10-15", "org1", "4800.5", "-199.5", "yes"],
            ["2026-10-31", "org1", "4700", "-100.5", "yes"],
        ])
    }

    @Test func trendMonthOverMonth() throws {
        let r = try report(.trend, "2026-09..2026-10")
        let rows = try #require(r.section("trend")?.rows)
        #expect(rows.filter { $0[1] == "USD" && $0[0] == "Planning" } == [
            ["Planning", "USD", "2026-09", "2.00", nil, nil],
            ["Planning", "USD", "2026-10", "6.07", "4.07", "203.5"],
        ])
        #expect(rows.filter { $0[1] == "USD" && $0[0] == "Operations" }.last == ["Operations", "USD", "2026-10", "3.13", "3.13", nil])
        #expect(rows.map { $0[0] ?? "" }.last == "Unassigned")
        // Currencies are never added: EUR rows come first, on their own.
        #expect(rows.first?[1] == "EUR")
    }

    @Test(arguments: ["2026", "2026-13", "2026-10..2026-09", "2026-10..", "x"])
    func badPeriodsAreRefused(_ text: String) {
        #expect(throws: ReportPeriod.Invalid.self) { try ReportPeriod(parsing: text) }
    }

    @Test func formatsCarryTheSameFigures() throws {
        let r = try report(.org, "2026-10")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.render(.json).utf8)) as? [String: Any])
        let rows = try #require((json["sections"] as? [String: Any])?["org_credits"] as? [[String: Any]])
        #expect(rows.map { $0["available_credits"] as? String } == ["5000", "4800.5", "4700"])
        #expect(r.render(.csv).hasPrefix("# org_credits\r\ndate,org_id,available_credits,change,budgeting\r\n2026-10-01,org1,5000,-100,yes\r\n"))
        #expect(r.render(.markdown).contains("| 2026-10-15 | org1 | 4800.5 | -199.5 | yes |"))
        #expect(r.render(.table).contains("2026-10-31  org1"))
    }
}

/// Decimal text as the reports print credits: three places, canonical.
enum DecimalFormatting {
    static func threePlaces(_ value: Decimal) -> String {
        var input = value, result = Decimal()
        NSDecimalRound(&result, &input, 3, .plain)
        var text = result.description
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}
