import WarehouseCore

/// One generated usage record, before it is written in either API's shape.
public struct SyntheticUsage: Sendable {
    public let subscriptionID: String
    public let meter: SandboxMeter
    public let resource: SyntheticOrganization.Resource
    public let usageStart: UTCTime
    public let usageEnd: UTCTime
    /// The day (UTC midnight) the record was reported to billing: what the API window selects.
    public let reported: UTCTime
    /// Negative for an adjustment (usage taken back); still added to the usage day's total.
    public let quantityMicros: Int64
    /// True when this record is late usage: an earlier usage day reported now. It never
    /// re-states an earlier record: it is more usage (or, negative, an adjustment) that adds up.
    public let isLate: Bool

    /// True when the quantity is negative (an adjustment reported late).
    public var isAdjustment: Bool { quantityMicros < 0 }

    /// The quantity as exact decimal text (`12.5`, `0.000123`, `-0.25`).
    public var quantityText: String {
        let magnitude = quantityMicros.magnitude
        let whole = magnitude / 1_000_000
        var fraction = String(magnitude % 1_000_000).leftPad(6)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = quantityMicros < 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// The text the checksum is taken over; a test rebuilds it from the wire record.
    public var canonical: String {
        SyntheticUsage.canonical(
            subscriptionID: subscriptionID, meterID: meter.id, resourceURI: resource.uri, usageStart: usageStart,
            usageEnd: usageEnd, quantityMicros: quantityMicros)
    }

    public static func canonical(
        subscriptionID: String, meterID: String, resourceURI: String, usageStart: UTCTime, usageEnd: UTCTime, quantityMicros: Int64
    ) -> String {
        "\(subscriptionID.lowercased())|\(meterID.lowercased())|\(resourceURI.lowercased())|\(usageStart.iso8601)|\(usageEnd.iso8601)|\(quantityMicros)"
    }
}

/// What the sandbox generated for a window: how many records, and an order-independent checksum
/// (the wrapping sum of the FNV-1a hash of each record's canonical text), so a client's output
/// can be compared without sorting and duplicates or losses both show.
public struct GroundTruth: Sendable, Equatable, CustomStringConvertible {
    public var count: Int
    public var checksum: UInt64

    public init(count: Int = 0, checksum: UInt64 = 0) {
        self.count = count
        self.checksum = checksum
    }

    public mutating func add(canonical: String) {
        count += 1
        checksum &+= FNV1a.hash(canonical)
    }

    public var description: String { "\(count) records, checksum \(String(checksum, radix: 16))" }
}

extension SyntheticOrganization {
    /// The days (UTC midnights) whose reports fall in `[start, end)`.
    public static func reportedDays(from start: UTCTime, to end: UTCTime) -> [UTCTime] {
        var day = start.startOfDay
        if day < start { day = day.adding(days: 1) }
        var days: [UTCTime] = []
        while day < end, days.count < 100_000 {
            days.append(day)
            day = day.adding(days: 1)
        }
        return days
    }

    /// Records of `subscription` reported in `[start, end)`: `count` and the record at `offset`.
    public func recordCount(_ subscription: Subscription, from start: UTCTime, to end: UTCTime) -> Int {
        Self.reportedDays(from: start, to: end).count * recordsPerDay
    }

    public func record(_ subscription: Subscription, from start: UTCTime, to end: UTCTime, offset: Int) -> SyntheticUsage {
        let firstDay = Self.reportedDays(from: start, to: end).first ?? start.startOfDay
        return record(subscription, reportedDay: firstDay.adding(days: offset / recordsPerDay), index: offset % recordsPerDay)
    }

    /// Record `index` of those reported on `reportedDay` (see `record(_:reportedDay:index:revision:)`).
    public func record(_ subscription: Subscription, reportedDay: UTCTime, index: Int) -> SyntheticUsage {
        record(subscription, reportedDay: reportedDay, index: index, revision: 0)
    }

    /// Record `index` of those reported on `reportedDay`, as Partner Center and UsageAggregates
    /// mean it (docs/contracts/reported-windows.md): most describe the day before; 30% are late
    /// usage of 1–3 days earlier, reported now, and a fifth of those are negative adjustments.
    /// A late record is never a re-statement of an earlier one: it is more usage of its usage day,
    /// and adds to what earlier reported days said about that day. Revision 1 is the restated
    /// answer of the `restated-window` fault: the quantity of `restatedChange(...)` differs.
    func record(_ subscription: Subscription, reportedDay: UTCTime, index: Int, revision: Int) -> SyntheticUsage {
        let day = UInt64(bitPattern: reportedDay.seconds / 86_400)
        var rng = SplitMix64(seed: seed, 2, UInt64(subscription.index), day, UInt64(index))
        let late = rng.chance(300) && index > 0
        let resource = subscription.resources[rng.below(subscription.resources.count)]
        let meter = MeterCatalogue.meters[resource.meters[rng.below(resource.meters.count)]]
        let lateBy = late ? 1 + rng.below(3) : 0
        let start = reportedDay.adding(days: -1 - lateBy)
        let span = meter.dailyMicros.upperBound - meter.dailyMicros.lowerBound
        var quantity = meter.dailyMicros.lowerBound + (span > 0 ? Int64(rng.next() % UInt64(span + 1)) : 0)
        if late, rng.chance(200) {
            quantity = -max(1, quantity * Int64(10 + rng.below(40)) / 100)
        }
        if revision > 0, index == restatedWindow(subscription, reportedDay: reportedDay).changed {
            quantity = quantity / 2 + 1
        }
        let usage = SyntheticUsage(
            subscriptionID: subscription.id, meter: meter, resource: resource, usageStart: start, usageEnd: start.adding(days: 1),
            reported: reportedDay, quantityMicros: quantity, isLate: late)
        return incidents?.apply(usage, in: self, subscription: subscription, index: index) ?? usage
    }

    /// The ground truth for one subscription's window.
    public func groundTruth(_ subscription: Subscription, from start: UTCTime, to end: UTCTime) -> GroundTruth {
        var truth = GroundTruth()
        for offset in 0..<recordCount(subscription, from: start, to: end) {
            truth.add(canonical: record(subscription, from: start, to: end, offset: offset).canonical)
        }
        return truth
    }

    /// Which record of a reported day's answer the `restated-window` fault drops and which it
    /// changes (never the same one, never record 0 when there are two or more).
    public func restatedWindow(_ subscription: Subscription, reportedDay: UTCTime) -> (gone: Int, changed: Int) {
        let day = UInt64(bitPattern: reportedDay.seconds / 86_400)
        var rng = SplitMix64(seed: seed, 4, UInt64(subscription.index), day)
        guard recordsPerDay > 2 else { return (recordsPerDay - 1, recordsPerDay > 1 ? 0 : -1) }
        let gone = 1 + rng.below(recordsPerDay - 1)
        let changed = 1 + (gone + rng.below(recordsPerDay - 2)) % (recordsPerDay - 1)
        return (gone, changed)
    }
}

extension SyntheticOrganization {
    /// The truth over every CSP usage subscription (what Partner Center serves) for a window.
    public func partnerCenterGroundTruth(from start: UTCTime, to end: UTCTime) -> GroundTruth {
        Self.fold(usageSubscriptions.map { groundTruth($0.subscription, from: start, to: end) })
    }

    /// The truth over every direct subscription (what Azure Commerce serves) for a window.
    public func commerceGroundTruth(from start: UTCTime, to end: UTCTime) -> GroundTruth {
        Self.fold(directSubscriptions.map { groundTruth($0, from: start, to: end) })
    }

    private static func fold(_ parts: [GroundTruth]) -> GroundTruth {
        parts.reduce(into: GroundTruth()) { total, part in
            total.count += part.count
            total.checksum &+= part.checksum
        }
    }
}
