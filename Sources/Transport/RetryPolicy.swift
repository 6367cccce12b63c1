import Foundation
import WarehouseCore

/// When and how long to wait before trying a request again.
///
/// Exponential backoff with full jitter (`random(0...min(maxDelay, base * 2^attempt))`), so that
/// many clients throttled together do not come back together; a server's `Retry-After` wins over
/// the computed delay. Two caps: `maxAttempts` tries in all, and `maxTotalWait` of sleeping in all
/// (a Retry-After that would exceed what is left ends the retries instead of sleeping past it).
/// Partner Center's throttling guidance asks for exactly this: honour Retry-After, then back off.
/// https://learn.microsoft.com/partner-center/developer/api-throttling-guidance
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var maxTotalWait: Duration
    /// Returns a number in 0...1; injectable so tests get exact delays.
    public var jitter: @Sendable () -> Double

    public init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(60),
        maxTotalWait: Duration = .seconds(600), jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxTotalWait = maxTotalWait
        self.jitter = jitter
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The backoff before attempt `attempt + 1` (attempt counts from 0), without Retry-After.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let factor = Double(1 << min(attempt, 30))
        let ceiling = min(maxDelay.seconds, baseDelay.seconds * factor)
        return .milliseconds(Int64((ceiling * min(1, max(0, jitter()))) * 1000))
    }

    /// The wait before the next attempt, or nil when the policy says stop. `retryAfter` is the
    /// server's request, already parsed; `waited` is the sleeping done so far.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, waited: Duration) -> Duration? {
        guard attempt + 1 < maxAttempts else { return nil }
        let wait = retryAfter.map { min($0, maxTotalWait) } ?? backoff(afterAttempt: attempt)
        guard waited + wait <= maxTotalWait else { return nil }
        return wait
    }
}

/// `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
/// https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
public enum RetryAfter {
    /// The wait the header asks for, relative to `now`; nil when absent or unreadable. A date in
    /// the past means "now" (zero).
    public static func parse(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.allSatisfy(\.isASCII), let seconds = Int64(value), seconds >= 0 {
            return .seconds(seconds)
        }
        guard let date = parseHTTPDate(value) else { return nil }
        let delta = date.seconds - UTCTime(date: now).seconds
        return .seconds(max(0, delta))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), obsolete RFC 850 (`Sunday, 06-Nov-94
    /// 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`), as RFC 9110 §5.6.7 requires.
    public static func parseHTTPDate(_ text: String) -> UTCTime? {
        let parts = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        func month(_ s: String) -> Int? { months.firstIndex(of: s.lowercased()).map { $0 + 1 } }
        func time(_ s: String) -> (Int, Int, Int)? {
            let t = s.split(separator: ":").compactMap { Int($0) }
            guard t.count == 3, (0...23).contains(t[0]), (0...59).contains(t[1]), (0...60).contains(t[2]) else { return nil }
            return (t[0], t[1], min(t[2], 59))
        }
        var y = 0, m = 0, d = 0, clock = (0, 0, 0)
        if parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let mo = month(parts[2]), let year = Int(parts[3]),
            let t = time(parts[4])
        {
            (y, m, d, clock) = (year, mo, day, t)  // IMF-fixdate
        } else if parts.count == 4, parts[3] == "GMT", let t = time(parts[2]) {
            let dmy = parts[1].split(separator: "-").map(String.init)  // RFC 850
            guard dmy.count == 3, let day = Int(dmy[0]), let mo = month(dmy[1]), let yy = Int(dmy[2]) else { return nil }
            (y, m, d, clock) = (yy < 70 ? 2000 + yy : (yy < 100 ? 1900 + yy : yy), mo, day, t)
        } else if parts.count == 5, let mo = month(parts[1]), let day = Int(parts[2]), let t = time(parts[3]),
            let year = Int(parts[4])
        {
            (y, m, d, clock) = (year, mo, day, t)  // asctime
        } else {
            return nil
        }
        guard (1...12).contains(m), (1...UTCTime.daysIn(year: y, month: m)).contains(d) else { return nil }
        return UTCTime(year: y, month: m, day: d, hour: clock.0, minute: clock.1, second: clock.2)
    }
}

extension Duration {
    /// The duration in seconds as a Double (for arithmetic on waits only, never on money).
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
