import Extract
import Foundation
import WarehouseCore

/// The reported window `[start, end)` a usage page answers: part of the identity of every usage
/// row it loads (`usage.reported_start`, `usage.reported_end`).
///
/// Partner Center: "This API provides access to utilization records for a time period that
/// represents when the utilization was reported in the billing system", `start_time`/`end_time`
/// (https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure).
/// UsageAggregates: `reportedStartTime`/`reportedEndTime`, "the timestamp at which the resource
/// usage was recorded within the Azure billing system"
/// (https://learn.microsoft.com/previous-versions/azure/reference/mt219001(v=azure.100)).
public struct ReportedWindow: Hashable, Sendable, CustomStringConvertible {
    public var start: UTCTime
    public var end: UTCTime

    public init(start: UTCTime, end: UTCTime) {
        self.start = start
        self.end = end
    }

    /// One UTC day.
    public init(day: UTCTime) { self.init(start: day.startOfDay, end: day.startOfDay.adding(days: 1)) }

    public var description: String { "\(start.iso8601)..\(end.iso8601)" }

    /// The window named by a link's query: Partner Center's own request (`start_time`/`end_time`,
    /// in `links.self`), its continuation (`reported_start_time`/`reported_end_time`, inside the
    /// `MS-ContinuationToken` of `links.next`) or UsageAggregates' (`reportedStartTime`/
    /// `reportedEndTime`, in the request and in `nextLink`). Nil when the text names none.
    public static func fromQuery(_ text: String) -> ReportedWindow? {
        let fields = queryFields(text)
        for (from, to) in [("start_time", "end_time"), ("reported_start_time", "reported_end_time"), ("reportedstarttime", "reportedendtime")] {
            if let s = fields[from].flatMap(parseTime), let e = fields[to].flatMap(parseTime), s < e {
                return ReportedWindow(start: s, end: e)
            }
        }
        return nil
    }

    /// Query fields by lower-cased name, percent-decoded (`&amp;` as in the documentation's sample).
    static func queryFields(_ text: String) -> [String: String] {
        guard let q = text.firstIndex(of: "?") else { return [:] }
        var fields: [String: String] = [:]
        for pair in text[text.index(after: q)...].replacingOccurrences(of: "&amp;", with: "&").split(separator: "&") {
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let value = String(pair[pair.index(after: eq)...]).replacingOccurrences(of: "+", with: " ")
            fields[pair[..<eq].lowercased()] = value.removingPercentEncoding ?? value
        }
        return fields
    }

    /// `2015-12-02 00:00:00Z` (the continuation token's form) or ISO 8601 with an offset.
    static func parseTime(_ text: String) -> UTCTime? {
        UTCTime.parse(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "T"))
    }

    /// The window a Partner Center utilization page names itself: `links.self`, else the
    /// item-level self link of the documentation's sample, else `links.next`'s continuation.
    public static func of(_ page: PartnerCenterUtilizationPage) -> ReportedWindow? {
        let candidates = [page.links.selfLink?.uri, page.itemSelfURI, page.links.next?.uri] + (page.links.next?.headers.map(\.value) ?? [])
        return candidates.lazy.compactMap { $0.flatMap(fromQuery) }.first
    }

    /// The window a UsageAggregates page names itself: only its `nextLink` can.
    public static func of(_ page: AzureUsageAggregatesPage) -> ReportedWindow? {
        page.nextLink.flatMap(fromQuery)
    }

    /// The page's own window, else `given` (the options); both and different is an error.
    static func resolve(page: ReportedWindow?, given: ReportedWindow?, file: String) throws -> ReportedWindow {
        switch (page, given) {
        case (let p?, let g?) where p != g:
            throw NormalizeError(file: file, message: "the page answers reported window \(p), not the \(g) given")
        case (let p?, _): return p
        case (nil, let g?): return g
        case (nil, nil):
            throw NormalizeError(
                file: file,
                message: "the page does not say which reported window it answers: pass --reported-day YYYY-MM-DD"
                    + " (or --reported-start and --reported-end)")
        }
    }
}
