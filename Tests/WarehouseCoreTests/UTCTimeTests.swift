import Testing
import WarehouseCore

@Suite struct UTCTimeTests {
    @Test(arguments: [
        ("2018-07-20T00:00:00+00:00", "2018-07-20T00:00:00Z"),
        ("2017-06-07T17:00:00-07:00", "2017-06-08T00:00:00Z"),
        ("2016-12-12T16:00:00-08:00", "2016-12-13T00:00:00Z"),
        ("2017-01-01T00:00:00Z", "2017-01-01T00:00:00Z"),
        ("2014-01-01T00:00:00", "2014-01-01T00:00:00Z"),
        ("2018-04-04T17:08:20.71Z", "2018-04-04T17:08:20Z"),
        ("2024-02-29", "2024-02-29T00:00:00Z"),
        ("2024-03-01T05:30:00+0530", "2024-03-01T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func parsesToUTC(text: String, utc: String) throws {
        #expect(try #require(UTCTime.parse(text)).iso8601 == utc)
    }

    @Test(arguments: ["", "2018-13-01", "2023-02-29", "2018-07-20T25:00:00Z", "2018-07-20X", "20180720", "2018-07-20T00:00:00+25:00", "2018-07-20T00:00:00Zjunk"])
    func rejectsBadTimes(text: String) {
        #expect(UTCTime.parse(text) == nil)
    }

    @Test func monthsAndDays() throws {
        let t = try #require(UTCTime.parse("2024-12-31T23:00:00-02:00"))
        #expect(t.month == "2025-01")
        #expect(t.day == "2025-01-01")
        #expect(t.startOfNextMonth.iso8601 == "2025-02-01T00:00:00Z")
        #expect(t.startOfMonth.iso8601 == "2025-01-01T00:00:00Z")
        #expect(UTCTime(seconds: 1_672_099_200).iso8601 == "2022-12-27T00:00:00Z")
        #expect(UTCTime.daysIn(year: 2100, month: 2) == 28)
        #expect(UTCTime.daysIn(year: 2000, month: 2) == 29)
    }
}
