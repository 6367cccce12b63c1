import Config
import Foundation
import Load
import Query
import WarehouseCore

extension AlertRules {
    /// Incidents: runs of days above their series' band, at most two days apart (`AnomalyDetector`, as
    /// `warehouse report anomalies` finds them, with the rule's σ and minimum amount), with a day
    /// among the `days` days before `now`. Only rises alert (a drop costs nothing more).
    ///
    /// The key is the series and the incident's first day, so one incident is one alert however
    /// many nights it stays in force. Its state (the ledger's fingerprint) is how far it has
    /// grown: the number of times its largest daily deviation has doubled over its first day's.
    /// It is mailed again only when that grows (or after the cool-down), not every night it lasts.
    /// Baselines use only the days before each day, so a night's new data never moves an earlier
    /// incident's first day.
    func anomalies(_ rule: AlertsConfiguration.Anomaly, now: UTCTime) throws -> [Alert] {
        let today = now.startOfDay.seconds / 86_400
        let recent = today - Int64(rule.days)
        var out: [Alert] = []
        for name in rule.groups {
            guard let grouping = InvoiceGrouping(rawValue: name) else { continue }
            let request = AnomalyRequest(
                firstDay: recent - 31, lastDay: today - 1, grouping: grouping, k100: Micros.from(rule.deviation).map { $0 / 10_000 } ?? 500,
                minimum: ["*": Micros.from(rule.minAmount) ?? 0])
            let flags = try AnomalyDetector(db: db).detect(request).flags.filter { $0.deviation > 0 }
            for incident in Self.incidents(flags) where incident.last!.day >= recent {
                out.append(Self.alert(incident, grouping: name))
            }
        }
        return out
    }

    /// Flags (in series and day order) as runs of one series' days at most `maxGap` unflagged days
    /// apart: a three-day incident whose middle day stayed inside the band is still one incident.
    static func incidents(_ flags: [AnomalyFlag], maxGap: Int64 = 2) -> [[AnomalyFlag]] {
        var runs: [[AnomalyFlag]] = []
        for flag in flags {
            if let previous = runs.last?.last, previous.measure == flag.measure, previous.group == flag.group, flag.day - previous.day <= maxGap + 1 {
                runs[runs.count - 1].append(flag)
            } else {
                runs.append([flag])
            }
        }
        return runs
    }

    static func alert(_ run: [AnomalyFlag], grouping: String) -> Alert {
        let first = run[0], peak = run.max { $0.deviation < $1.deviation }!
        let doublings = AnomalyBaseline.doublings(of: first.deviation, to: peak.deviation)
        let amount = { (micros: Int64) in Micros.format(micros, places: first.measure == "credits" ? 3 : 2) + " " + first.measure }
        let day = { (number: Int64) in UTCTime(seconds: number * 86_400).day }
        let group = first.group.isEmpty ? "Unassigned" : first.group
        let days = run.count == 1 ? day(first.day) : "\(day(first.day)) to \(day(run.last!.day))"
        return Alert(
            rule: .anomaly, key: "anomaly/\(grouping)/\(first.measure)/\(first.group.lowercased())/\(day(first.day))", subject: "\(group) (\(grouping))",
            fingerprint: doublings == 0 ? "up to the first day's deviation" : "up to \(1 << doublings)x the first day's deviation",
            summary: "\(group) (\(grouping)) spent \(amount(peak.actual)) on \(day(peak.day)), \(amount(peak.deviation)) above the expected \(amount(peak.baseline.expected)) (\(peak.baseline.score(peak.actual)) σ).",
            figures: [
                .init("days", days), .init("expected", amount(peak.baseline.expected)), .init("actual", amount(peak.actual)),
                .init("deviation", amount(peak.deviation)), .init("score (σ)", peak.baseline.score(peak.actual)),
                .init("drivers", peak.drivers.map { "\($0.label) +\(amount($0.change))" }.joined(separator: "; ")),
            ])
    }
}
