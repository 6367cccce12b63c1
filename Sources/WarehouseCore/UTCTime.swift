import Foundation

/// Instants as whole seconds since 1970-01-01T00:00:00Z, parsed from ISO-8601 text with any
/// offset and written back as UTC (`YYYY-MM-DDTHH:MM:SSZ`), the warehouse's only time format.
///
/// Hand-written because it is on the hot path of every usage record and must be exact: offsets
/// such as `-07:00` are applied, fractional seconds are dropped (usage buckets are whole
/// seconds), and text without a zone is read as UTC (rate cards' `effectiveDate` sometimes has none).
public struct UTCTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public init(date: Date) { self.seconds = Int64(date.timeIntervalSince1970.rounded(.down)) }

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let days = UTCTime.daysFromCivil(year: year, month: month, day: day)
        seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    public static func < (lhs: UTCTime, rhs: UTCTime) -> Bool { lhs.seconds < rhs.seconds }

    public static func now() -> UTCTime { UTCTime(date: Date()) }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    /// `YYYY-MM-DDTHH:MM:SSZ`
    public var description: String { iso8601 }

    public var iso8601: String {
        let (y, m, d) = civil
        let s = Int(((seconds % 86_400) + 86_400) % 86_400)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(s / 3600, 2)):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))Z"
    }

    /// `YYYY-MM-DD`
    public var day: String {
        let (y, m, d) = civil
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `YYYY-MM`, the billing period of this instant (calendar month in UTC).
    public var month: String {
        let (y, m, _) = civil
        return "\(pad(y, 4))-\(pad(m, 2))"
    }

    /// Midnight UTC at the start of this instant's day.
    public var startOfDay: UTCTime { UTCTime(seconds: Int64(floorDiv(seconds, 86_400)) * 86_400) }

    public func adding(days: Int) -> UTCTime { UTCTime(seconds: seconds + Int64(days) * 86_400) }

    public func adding(seconds delta: Int64) -> UTCTime { UTCTime(seconds: seconds + delta) }

    public var civil: (year: Int, month: Int, day: Int) {
        UTCTime.civilFromDays(Int64(floorDiv(seconds, 86_400)))
    }

    public var epochMilliseconds: Int64 { seconds * 1000 }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, `±HH:MM`, `±HHMM` or no zone
    /// (read as UTC). A space may stand for the `T`. Returns nil on anything else.
    public static func parse(_ text: some StringProtocol) -> UTCTime? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= b.count else { return nil }
            var value = 0
            for k in i..<(i + width) {
                let c = b[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            i += width
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2d), let month = number(2), expect(0x2d), let day = number(2),
            (1...12).contains(month), (1...daysIn(year: year, month: month)).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        if i < b.count && (b[i] == 0x54 || b[i] == 0x74 || b[i] == 0x20) {
            i += 1
            guard let h = number(2), expect(0x3a), let mi = number(2) else { return nil }
            hour = h
            minute = mi
            if expect(0x3a) {
                guard let s = number(2) else { return nil }
                second = s
                if expect(0x2e) {
                    let start = i
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                    if i == start { return nil }
                }
            }
            guard hour <= 24, minute <= 59, second <= 60, !(hour == 24 && (minute > 0 || second > 0)) else { return nil }
        }
        var offset = 0
        if i < b.count {
            if b[i] == 0x5a || b[i] == 0x7a {
                i += 1
            } else if b[i] == 0x2b || b[i] == 0x2d {
                let sign = b[i] == 0x2d ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = expect(0x3a)
                guard let om = number(2), oh <= 23, om <= 59 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let local = UTCTime(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        return UTCTime(seconds: local.seconds - Int64(offset))
    }

    /// Parses a `YYYY-MM` billing period to the instant its month starts.
    public static func parseMonth(_ text: some StringProtocol) -> UTCTime? {
        guard text.utf8.count == 7 else { return nil }
        return parse(text + "-01")
    }

    /// The first instant of the month after this instant's month.
    public var startOfNextMonth: UTCTime {
        let (y, m, _) = civil
        return m == 12 ? UTCTime(year: y + 1, month: 1, day: 1) : UTCTime(year: y, month: m + 1, day: 1)
    }

    public var startOfMonth: UTCTime {
        let (y, m, _) = civil
        return UTCTime(year: y, month: m, day: 1)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func pad(_ value: Int, _ width: Int) -> String {
    String(value).leftPadded(to: width)
}
