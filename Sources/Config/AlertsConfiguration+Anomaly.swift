import Foundation
import WarehouseCore

extension AlertsConfiguration {
    /// `anomaly:` — a day of cost (or ArcGIS credits) outside its series' band, as
    /// `warehouse report anomalies` finds it, mailed to the admins once per incident.
    ///
    /// ```yaml
    /// anomaly: {deviation: "5", min_amount: "25", groups: [costCenter, subscription], days: 3}
    /// ```
    public struct Anomaly: Sendable, Hashable {
        /// A day is flagged beyond this many σ of its baseline.
        public var deviation: Decimal = 5
        /// ... and when it is at least this far from it, in the currency or in credits (so a
        /// 3-cent spike mails nobody).
        public var minAmount: Decimal = 10
        /// The groupings watched: costCenter, user, customer, subscription, resourceGroup, meter.
        public var groups: [String] = ["costCenter"]
        /// Incidents with a flagged day among the last this-many days before the run are in force.
        public var days: Int = 3

        public init() {}

        public static let groupNames = ["costCenter", "user", "customer", "subscription", "resourceGroup", "meter"]
    }
}

extension WarehouseConfig {
    static func parseAnomaly(_ node: ConfigNode) throws -> AlertsConfiguration.Anomaly {
        var rule = AlertsConfiguration.Anomaly()
        for (key, value) in try node.mapping(allowed: ["deviation", "min_amount", "groups", "days"]) {
            switch key {
            case "deviation":
                rule.deviation = try value.nonNegativeDecimal()
                guard rule.deviation >= ExactDecimal.parse("0.01")!, rule.deviation <= 1000 else {
                    throw value.error("expected a number of σ from 0.01 to 1000, got \(value.quotedText)")
                }
            case "min_amount": rule.minAmount = try value.nonNegativeDecimal()
            case "days": rule.days = try value.integer(min: 1)
            default:
                rule.groups = try value.stringList()
                for group in rule.groups where !AlertsConfiguration.Anomaly.groupNames.contains(group) {
                    throw value.error("expected groups among \(AlertsConfiguration.Anomaly.groupNames.joined(separator: ", ")), got \"\(group)\"")
                }
            }
        }
        return rule
    }
}
