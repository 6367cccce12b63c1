import Foundation
import Pipeline
import Testing
import WarehouseCore

@Suite struct StreamWindowTests {
    static let now = UTCTime(year: 2026, month: 11, day: 22, hour: 2, minute: 30)

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let checkpoint: UTCTime?
        let backfill: UTCTime?
        let since: UTCTime?
        let fullRefresh: Bool
        let expected: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "first run: last month's first day to yesterday", checkpoint: nil, backfill: nil, since: nil, fullRefresh: false, expected: "2026-10-01..2026-11-21"),
        Case(name: "nightly: checkpoint minus three days", checkpoint: UTCTime(year: 2026, month: 11, day: 21), backfill: nil, since: nil, fullRefresh: false, expected: "2026-11-18..2026-11-21"),
        Case(name: "up to date is still re-pulled", checkpoint: UTCTime(year: 2026, month: 11, day: 22), backfill: nil, since: nil, fullRefresh: false, expected: "2026-11-19..2026-11-21"),
        Case(name: "months behind: everything missed", checkpoint: UTCTime(year: 2026, month: 6, day: 10), backfill: nil, since: nil, fullRefresh: false, expected: "2026-06-07..2026-11-21"),
        Case(name: "never before an explicit backfill day", checkpoint: UTCTime(year: 2026, month: 3, day: 2), backfill: UTCTime(year: 2026, month: 3, day: 1), since: nil, fullRefresh: false, expected: "2026-03-01..2026-11-21"),
        Case(name: "--since wins", checkpoint: UTCTime(year: 2026, month: 11, day: 21), backfill: nil, since: UTCTime(year: 2026, month: 8, day: 1), fullRefresh: false, expected: "2026-08-01..2026-11-21"),
        Case(name: "--full-refresh starts at the backfill day", checkpoint: UTCTime(year: 2026, month: 11, day: 21), backfill: UTCTime(year: 2026, month: 1, day: 1), since: nil, fullRefresh: true, expected: "2026-01-01..2026-11-21"),
        Case(name: "a since in the future reads nothing", checkpoint: nil, backfill: nil, since: UTCTime(year: 2026, month: 11, day: 22), fullRefresh: false, expected: nil),
    ]

    @Test(arguments: cases) func window(_ c: Case) {
        let window = StreamWindow.compute(checkpoint: c.checkpoint, repullDays: 3, backfillFrom: c.backfill, since: c.since, fullRefresh: c.fullRefresh, now: Self.now)
        #expect(window?.description == c.expected)
        #expect(window.map { $0.days.count } == window.map { Int(($0.end.seconds - $0.start.seconds) / 86_400) })
    }
}
