import Foundation
import WarehouseCore

/// One UsageAggregates record as the wire carries it: a reported record, or (with
/// `showDetails=false`) a sum of them, per day or (with `aggregationGranularity=Hourly`) per hour.
struct UsageAggregate {
    let subscriptionID: String
    let meter: SandboxMeter
    /// nil when aggregated (`showDetails=false`): no instance, so no `instanceData`.
    let resource: SyntheticOrganization.Resource?
    let usageStart: UTCTime
    let usageEnd: UTCTime
    let quantityMicros: Int64
    let hourly: Bool

    /// `Daily_BRSDT_20150623_0000` (the day the bucket ends), `Hourly_BRSDT_20150623_1300` (the hour it starts).
    var name: String {
        let t = hourly ? usageStart : usageEnd
        let (y, m, d) = t.civil
        let hour = hourly ? String((t.seconds % 86_400) / 3600).leftPad(2) : "00"
        return "\(hourly ? "Hourly" : "Daily")_BRSDT_\(y)\(String(m).leftPad(2))\(String(d).leftPad(2))_\(hour)00"
    }

    var quantityText: String { ExactDecimal.format(Decimal(quantityMicros) / 1_000_000) }
}

/// The records of a reported window the way one UsageAggregates request asks for them.
///
/// The 2015-06-01-preview specification (commerce.json, `UsageAggregates_List`):
/// - `showDetails=false` "causes server-side aggregation with fewer details … aggregated as a
///   single line item … within the time period (for the given subscriptionId, meterId,
///   usageStartTime and usageEndTime)": one record per meter and bucket, quantities summed
///   exactly, no `instanceData`. Records identical in every field within one reported day count
///   once, as the warehouse counts them (docs/contracts/reported-windows.md, "Identical records").
/// - `aggregationGranularity=Hourly` "returns the data in hourly granularity": each daily record
///   is served as its 24 hours, the day's quantity split into micro-units so the hours add up to
///   the day exactly (the first hours carry the remainder).
/// https://learn.microsoft.com/previous-versions/azure/reference/mt219001(v=azure.100)
struct UsageAggregatesView {
    let answer: ReportedWindowAnswer
    let details: Bool
    let hourly: Bool
    /// With `details == false`: the sums, in order of first appearance.
    private let aggregated: [UsageAggregate]

    init(_ answer: ReportedWindowAnswer, details: Bool, hourly: Bool) {
        self.answer = answer
        self.details = details
        self.hourly = hourly
        aggregated = details ? [] : Self.aggregate(answer)
    }

    private var dailyCount: Int { details ? answer.count : aggregated.count }
    var count: Int { dailyCount * (hourly ? 24 : 1) }

    func record(at offset: Int) -> UsageAggregate {
        let daily = daily(at: hourly ? offset / 24 : offset)
        guard hourly else { return daily }
        let hour = Int64(offset % 24)
        let base = daily.quantityMicros / 24
        let remainder = daily.quantityMicros - base * 24
        let extra: Int64 = hour < remainder.magnitude ? (remainder < 0 ? -1 : 1) : 0
        let start = UTCTime(seconds: daily.usageStart.seconds + hour * 3600)
        return UsageAggregate(
            subscriptionID: daily.subscriptionID, meter: daily.meter, resource: daily.resource, usageStart: start,
            usageEnd: UTCTime(seconds: start.seconds + 3600), quantityMicros: base + extra, hourly: true)
    }

    private func daily(at offset: Int) -> UsageAggregate {
        guard details else { return aggregated[offset] }
        let r = answer.record(at: offset)
        return UsageAggregate(
            subscriptionID: r.subscriptionID, meter: r.meter, resource: r.resource, usageStart: r.usageStart, usageEnd: r.usageEnd,
            quantityMicros: r.quantityMicros, hourly: false)
    }

    private static func aggregate(_ answer: ReportedWindowAnswer) -> [UsageAggregate] {
        var order: [String] = []
        var sums: [String: UsageAggregate] = [:]
        var seen = Set<String>()
        var reportedDay: UTCTime?
        for r in answer.records {
            if r.reported != reportedDay { seen.removeAll(); reportedDay = r.reported }
            guard seen.insert(r.canonical).inserted else { continue }
            let key = "\(r.meter.id)|\(r.usageStart.seconds)|\(r.usageEnd.seconds)"
            let before = sums[key]?.quantityMicros ?? 0
            if sums[key] == nil { order.append(key) }
            sums[key] = UsageAggregate(
                subscriptionID: r.subscriptionID, meter: r.meter, resource: nil, usageStart: r.usageStart, usageEnd: r.usageEnd,
                quantityMicros: before + r.quantityMicros, hourly: false)
        }
        return order.compactMap { sums[$0] }
    }
}
