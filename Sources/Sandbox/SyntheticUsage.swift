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
    public let quantityMicros: Int64
    /// True when this record re-states an earlier one (same key, new quantity).
    public let isCorrection: Bool

    /// The quantity as exact decimal text (`12.5`, `0.000123`).
    public var quantityText: String {
        let whole = quantityMicros / 1_000_000
        var fraction = String(quantityMicros % 1_000_000).leftPad(6)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
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

    /// Record `index` of those reported on `reportedDay`. Most describe that day; some are late
    /// (usage 1–3 days earlier, reported now); a few are corrections that re-state an earlier
    /// day's record with a new quantity.
    public func record(_ subscription: Subscription, reportedDay: UTCTime, index: Int) -> SyntheticUsage {
        let day = UInt64(bitPattern: reportedDay.seconds / 86_400)
        var rng = SplitMix64(seed: seed, 2, UInt64(subscription.index), day, UInt64(index))
        if rng.chance(30), index > 0 {
            // A correction: the key of an earlier day's record, reported again with a new quantity.
            let back = 1 + rng.below(3)
            let original = base(subscription, reportedDay: reportedDay.adding(days: -back), index: rng.below(recordsPerDay), rng: nil)
            let delta = Int64(rng.below(40) - 20) * original.quantityMicros / 100
            return SyntheticUsage(
                subscriptionID: subscription.id, meter: original.meter, resource: original.resource,
                usageStart: original.usageStart, usageEnd: original.usageEnd, reported: reportedDay,
                quantityMicros: max(1, original.quantityMicros + delta), isCorrection: true)
        }
        return base(subscription, reportedDay: reportedDay, index: index, rng: rng)
    }

    private func base(_ subscription: Subscription, reportedDay: UTCTime, index: Int, rng existing: SplitMix64?) -> SyntheticUsage {
        let day = UInt64(bitPattern: reportedDay.seconds / 86_400)
        var rng = existing ?? SplitMix64(seed: seed, 2, UInt64(subscription.index), day, UInt64(index))
        if existing == nil { _ = rng.chance(30) }  // same stream position as `record`
        let resource = subscription.resources[rng.below(subscription.resources.count)]
        let meter = MeterCatalogue.meters[resource.meters[rng.below(resource.meters.count)]]
        let lateBy = rng.chance(100) ? 1 + rng.below(3) : 0
        let start = reportedDay.adding(days: -1 - lateBy)
        let span = meter.dailyMicros.upperBound - meter.dailyMicros.lowerBound
        let quantity = meter.dailyMicros.lowerBound + (span > 0 ? Int64(rng.next() % UInt64(span + 1)) : 0)
        return SyntheticUsage(
            subscriptionID: subscription.id, meter: meter, resource: resource, usageStart: start, usageEnd: start.adding(days: 1),
            reported: reportedDay, quantityMicros: quantity, isCorrection: false)
    }

    /// The ground truth for one subscription's window.
    public func groundTruth(_ subscription: Subscription, from start: UTCTime, to end: UTCTime) -> GroundTruth {
        var truth = GroundTruth()
        for offset in 0..<recordCount(subscription, from: start, to: end) {
            truth.add(canonical: record(subscription, from: start, to: end, offset: offset).canonical)
        }
        return truth
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
