import Synchronization
import WarehouseCore

/// What the sandbox answers about a reported window `[start, end)` of one subscription: the
/// records reported on each day of it, in day order. Both emulated APIs select records by the
/// time they were *reported* to billing (Partner Center utilization `start_time`/`end_time`,
/// UsageAggregates `reportedStartTime`/`reportedEndTime`; docs/contracts/reported-windows.md),
/// so asking about the same window twice gives the same records, byte for byte, unless the
/// `restated-window` fault restated one of its days: that day's answer then lacks one record
/// and has another with a different quantity, from its second serving on.
public struct ReportedWindowAnswer: Sendable {
    public let organization: SyntheticOrganization
    public let subscription: SyntheticOrganization.Subscription
    public let days: [UTCTime]
    /// The days answered as restated (revision 1).
    public let restated: Set<UTCTime>

    public init(
        _ organization: SyntheticOrganization, _ subscription: SyntheticOrganization.Subscription, from start: UTCTime, to end: UTCTime,
        restated: Set<UTCTime> = []
    ) {
        self.organization = organization
        self.subscription = subscription
        self.days = SyntheticOrganization.reportedDays(from: start, to: end)
        self.restated = restated
    }

    func count(on day: UTCTime) -> Int {
        organization.recordsPerDay - (restated.contains(day) && organization.recordsPerDay > 1 ? 1 : 0)
    }

    /// How many records the window holds.
    public var count: Int { days.reduce(0) { $0 + count(on: $1) } }

    /// The record at `offset` (0 ..< count).
    public func record(at offset: Int) -> SyntheticUsage {
        var rest = offset
        for day in days {
            let n = count(on: day)
            if rest < n { return record(on: day, position: rest) }
            rest -= n
        }
        preconditionFailure("offset \(offset) beyond the window's \(count) records")
    }

    private func record(on day: UTCTime, position: Int) -> SyntheticUsage {
        guard restated.contains(day) else {
            return organization.record(subscription, reportedDay: day, index: position, revision: 0)
        }
        let gone = organization.restatedWindow(subscription, reportedDay: day).gone
        let index = position >= gone ? position + 1 : position
        return organization.record(subscription, reportedDay: day, index: index, revision: 1)
    }

    /// Every record of the window, in order.
    public var records: [SyntheticUsage] { (0..<count).map(record(at:)) }

    /// The expected usage per (subscription, meter, usage day) for everything reported in the
    /// window: the sum of every record's quantity in micro-units (late usage and negative
    /// adjustments add; nothing replaces anything). Records identical in every field within one
    /// reported day count once (docs/contracts/reported-windows.md, "Identical records").
    public var totals: [String: Int64] {
        var totals: [String: Int64] = [:]
        for day in days {
            var seen = Set<String>()
            for position in 0..<count(on: day) {
                let r = record(on: day, position: position)
                guard seen.insert(r.canonical).inserted else { continue }
                totals["\(r.subscriptionID.lowercased())|\(r.meter.id.lowercased())|\(r.usageStart.day)", default: 0] += r.quantityMicros
            }
        }
        return totals
    }
}

extension SandboxState {
    /// The answer for a window: with the `restated-window` fault, every day of it already served
    /// in full before is restated.
    func answer(_ subscription: SyntheticOrganization.Subscription, from start: UTCTime, to end: UTCTime) -> ReportedWindowAnswer {
        var restated = Set<UTCTime>()
        if configuration.faults.contains(.restatedWindow) {
            let served = servedDays.withLock { $0 }
            restated = Set(SyntheticOrganization.reportedDays(from: start, to: end).filter { served.contains(Self.dayKey(subscription, $0)) })
            if !restated.isEmpty { count(fault: "restated-window") }
        }
        return ReportedWindowAnswer(organization, subscription, from: start, to: end, restated: restated)
    }

    /// Records that every day of a window has been served in full (called with its last page).
    func markServed(_ subscription: SyntheticOrganization.Subscription, from start: UTCTime, to end: UTCTime) {
        let keys = SyntheticOrganization.reportedDays(from: start, to: end).map { Self.dayKey(subscription, $0) }
        servedDays.withLock { $0.formUnion(keys) }
    }

    static func dayKey(_ subscription: SyntheticOrganization.Subscription, _ day: UTCTime) -> String {
        "\(subscription.id.lowercased())|\(day.seconds)"
    }
}
