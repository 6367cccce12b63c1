import Foundation
import WarehouseCore

/// Writes Partner Center utilization pages to files, as the sandbox's route serves them, for
/// benchmarks and backfill rehearsals: `warehouse sandbox generate --pages N --out DIR`.
///
/// Unlike the route (whose records are random draws that often repeat a key, as late usage
/// does), every generated record has its own natural key: each subscription's stream walks its
/// resources' meters day after day, so N pages are exactly N × 1,000 usage rows once loaded, and
/// the figures a benchmark prints are per distinct row. Page `p` belongs to subscription
/// `p mod S` (S = 2 × customers), so pages of many subscriptions and months interleave as a
/// partner-wide pull leaves them. The same seed gives the same bytes; nothing is held in memory
/// beyond the page being written.
public struct UtilizationPageGenerator: Sendable {
    public static let recordsPerPage = 1000

    public let organization: SyntheticOrganization
    /// Midnight UTC of the first usage day of every subscription.
    public let firstDay: UTCTime
    private let streams: [(customer: SyntheticOrganization.Customer, subscription: SyntheticOrganization.Subscription,
        keys: [(resource: SyntheticOrganization.Resource, meter: SandboxMeter)])]

    /// `customers` CSP customers with two Azure subscriptions each; usage from `firstDay` on.
    public init(seed: UInt64, customers: Int = 50, firstDay: UTCTime = UTCTime(seconds: 1_735_689_600)) {
        organization = SyntheticOrganization(seed: seed, customers: max(1, customers), directSubscriptions: 0)
        self.firstDay = firstDay.startOfDay
        streams = organization.usageSubscriptions.map { pair in
            (pair.customer, pair.subscription, pair.subscription.resources.flatMap { r in r.meters.map { (r, MeterCatalogue.meters[$0]) } })
        }
    }

    /// Record `k` of subscription stream `s`: day `k / keys`, the `k mod keys`-th (resource, meter).
    func record(stream s: Int, _ k: Int) -> SyntheticUsage {
        let (_, subscription, keys) = streams[s]
        let (resource, meter) = keys[k % keys.count]
        let start = firstDay.adding(days: k / keys.count)
        var rng = SplitMix64(seed: organization.seed, 3, UInt64(s), UInt64(k))
        let span = meter.dailyMicros.upperBound - meter.dailyMicros.lowerBound
        let quantity = meter.dailyMicros.lowerBound + (span > 0 ? Int64(rng.next() % UInt64(span + 1)) : 0)
        return SyntheticUsage(
            subscriptionID: subscription.id, meter: meter, resource: resource, usageStart: start, usageEnd: start.adding(days: 1),
            reported: start.adding(days: 1), quantityMicros: quantity, isLate: false)
    }

    /// The bytes of page `index` (UTF-8 with the byte order mark, like the API).
    public func page(_ index: Int) -> [UInt8] {
        let s = index % streams.count
        let first = (index / streams.count) * Self.recordsPerPage
        let ks = first..<(first + Self.recordsPerPage)
        let (customer, subscription, keys) = streams[s]
        let start = firstDay.adding(days: first / keys.count)
        let end = firstDay.adding(days: (ks.upperBound - 1) / keys.count + 1)
        let selfURI = UtilizationPageWriter.selfURI(
            customerID: customer.id, subscriptionID: subscription.id, start: start, end: end, details: true, size: Self.recordsPerPage)
        return UtilizationPageWriter.page(ks.lazy.map { record(stream: s, $0) }, count: ks.count, details: true, selfURI: selfURI, next: nil).bytes
    }

    /// What `write` produced.
    public struct Output: Sendable, Equatable {
        public var files: [String]
        public var records: Int
        public var bytes: Int
    }

    /// Writes pages `0..<pages` to `directory` (created if missing) as `utilization-00001.json`, ...
    public func write(pages: Int, to directory: String) throws -> Output {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var output = Output(files: [], records: 0, bytes: 0)
        for index in 0..<max(0, pages) {
            let number = String(index + 1)
            let name = "utilization-" + String(repeating: "0", count: max(0, 5 - number.count)) + number + ".json"
            let path = (directory as NSString).appendingPathComponent(name)
            let bytes = page(index)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            output.files.append(path)
            output.records += Self.recordsPerPage
            output.bytes += bytes.count
        }
        return output
    }
}
