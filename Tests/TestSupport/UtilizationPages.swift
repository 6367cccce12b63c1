import Extract
import Foundation
import WarehouseCore

/// A utilization page with the ids it was asked for.
public struct UtilizationPage: Sendable {
    public var page: FetchedPage
    public var customerID: String
    public var subscriptionID: String
}

extension PartnerCenterClient {
    /// Test and benchmark support: every utilization page of every usage-based subscription of
    /// every customer for the window, `concurrency` subscriptions at a time; `body` is awaited
    /// before that subscription's next page is fetched (back-pressure), and may be called from
    /// several tasks at once. (The nightly run pages day by day instead: `SourcePull`.)
    public func forEachUtilizationPage(
        from start: UTCTime, to end: UTCTime, concurrency: Int = 4, _ body: @escaping @Sendable (UtilizationPage) async throws -> Void
    ) async throws {
        var targets: [(String, String)] = []
        for customer in try await customerIDs() {
            targets += try await subscriptions(customerID: customer).usageSubscriptionIDs.map { (customer, $0) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func startOne() {
                let (customer, sub) = targets[next]
                next += 1
                group.addTask {
                    for try await page in self.utilization(customerID: customer, subscriptionID: sub, from: start, to: end) {
                        try await body(UtilizationPage(page: page, customerID: customer, subscriptionID: sub))
                    }
                }
            }
            while next < targets.count && next < max(1, concurrency) { startOne() }
            while try await group.next() != nil {
                if next < targets.count { startOne() }
            }
        }
    }
}
