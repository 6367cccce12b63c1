import Foundation
import Testing
import Transport
import WarehouseCore

struct RetryPolicyTests {
    static let now = UTCTime(year: 2026, month: 11, day: 22, hour: 3).date

    @Test(arguments: [
        ("delta seconds", "57", Duration.seconds(57)),
        ("zero", "0", .seconds(0)),
        ("IMF-fixdate 90 s ahead", "Sun, 22 Nov 2026 03:01:30 GMT", .seconds(90)),
        ("RFC 850 date", "Sunday, 22-Nov-26 03:00:10 GMT", .seconds(10)),
        ("asctime date", "Sun Nov 22 03:00:05 2026", .seconds(5)),
        ("date in the past means now", "Sat, 21 Nov 2026 03:00:00 GMT", .seconds(0)),
    ])
    func retryAfterIsRead(_ name: String, _ header: String, _ expected: Duration) {
        #expect(RetryAfter.parse(header, now: Self.now) == expected, "\(name)")
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "Sun, 32 Nov 2026 03:00:00 GMT"])
    func unreadableRetryAfterIsIgnored(_ header: String) {
        #expect(RetryAfter.parse(header, now: Self.now) == nil)
    }

    @Test func backoffGrowsExponentiallyUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 20, baseDelay: .milliseconds(500), maxDelay: .seconds(10), jitter: { 1 })
        let waits = (0..<8).map { policy.backoff(afterAttempt: $0) }
        #expect(waits == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10), .seconds(10)])
    }

    @Test func jitterScalesTheWaitDown() {
        let policy = RetryPolicy(baseDelay: .seconds(2), jitter: { 0.25 })
        #expect(policy.backoff(afterAttempt: 1) == .seconds(1))
    }

    @Test func retryAfterWinsOverBackoff() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), jitter: { 1 })
        #expect(policy.delay(afterAttempt: 0, retryAfter: .seconds(57), waited: .zero) == .seconds(57))
    }

    @Test func attemptsAreCapped() {
        let policy = RetryPolicy(maxAttempts: 3, jitter: { 1 })
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, waited: .zero) != nil)
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, waited: .zero) == nil)
    }

    @Test func totalWaitIsCapped() {
        let policy = RetryPolicy(maxAttempts: 50, maxTotalWait: .seconds(60), jitter: { 1 })
        #expect(policy.delay(afterAttempt: 0, retryAfter: .seconds(30), waited: .seconds(30)) == .seconds(30))
        #expect(policy.delay(afterAttempt: 0, retryAfter: .seconds(31), waited: .seconds(30)) == nil)
    }
}
