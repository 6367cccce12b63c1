import Foundation
import WarehouseCore

/// The days a windowed stream reads in one run: from its checkpoint minus the re-pull days (so
/// recent days are asked about again: a reported day's new answer replaces its earlier one, an
/// ArcGIS Online bucket's its earlier total) to the end of the
/// last complete UTC day. Whole UTC days, so every run asks the API the same questions about a
/// day and gets the same pages back.
public struct StreamWindow: Sendable, Equatable, CustomStringConvertible {
    public let start: UTCTime
    public let end: UTCTime

    public init(start: UTCTime, end: UTCTime) {
        self.start = start
        self.end = end
    }

    /// The window, or nil when there is nothing to read (the checkpoint is already at the end).
    /// - `since` (from `--since`) replaces the computed start; `fullRefresh` starts at the backfill day.
    /// - With no checkpoint, the backfill day: `backfillFrom`, else the first day of last month.
    public static func compute(
        checkpoint: UTCTime?, repullDays: Int, backfillFrom: UTCTime?, since: UTCTime?, fullRefresh: Bool, now: UTCTime
    ) -> StreamWindow? {
        let end = now.startOfDay
        let backfill = (backfillFrom ?? end.adding(days: -1).startOfMonth.adding(days: -1).startOfMonth).startOfDay
        let start: UTCTime
        if let since {
            start = since.startOfDay
        } else if fullRefresh || checkpoint == nil {
            start = backfill
        } else {
            // Never before an explicit backfill day; the default one moves with the calendar,
            // and a stream that has not run for months must still read everything it missed.
            let repull = checkpoint!.startOfDay.adding(days: -repullDays)
            start = backfillFrom.map { max(repull, $0.startOfDay) } ?? repull
        }
        return start < end ? StreamWindow(start: start, end: end) : nil
    }

    /// Each UTC day of the window, in order.
    public var days: [UTCTime] {
        var days: [UTCTime] = []
        var day = start
        while day < end {
            days.append(day)
            day = day.adding(days: 1)
        }
        return days
    }

    public var description: String { "\(start.day)..\(end.adding(days: -1).day)" }
}
