import Foundation
import Transform
import WarehouseCore

/// The `warehouse.yaml` configuration: currency, pricing and cost-center rules.
///
/// ```yaml
/// currency: USD
/// pricing:
///   credit_price: "0.16"        # money per ArcGIS Online credit
///   tier_mode: graduated        # or volume
/// cost_centers:
///   tag_keys: [costCenter, cost-center, cost_center]
///   rules:                      # first match wins
///     - {resource_group: "dns-*", cost_center: Networking}
///     - {user_tag: "costCenter", cost_center: "$value"}
///   default: Unassigned
/// ```
///
/// Every key is optional; a missing one keeps its default. Later sections (`sources:`,
/// `alerts:`) are added as new properties here plus one parsing function each in
/// `WarehouseConfig+Loading.swift`; until then those two keys are accepted and not read.
public struct WarehouseConfig: Sendable, Hashable {
    /// ISO 4217 code of the money on invoices (and of the credit price).
    public var currency: String
    public var pricing: Pricing
    public var costCenters: CostCenterRules
    /// The file this was read from; nil for the built-in defaults.
    public var path: String?
    /// What `warehouse etl` pulls from (`sources:`; see `SourceConfiguration`).
    public var sources: [SourceConfiguration] = []
    /// An owner-only file of `NAME=value` lines that `*_env` keys may name instead of the
    /// environment (`secrets_file:`; relative to the configuration file).
    public var secretsFile: String?
    /// How long `etl`, `rebuild` and `import` wait for another run's lock before giving up
    /// (`lock_wait_seconds:`, default 60).
    public var lockWaitSeconds: Int = 60
    /// The `alerts:` section (thresholds, recipients, mail, ArcGIS Online for top-ups).
    public var alerts = AlertsConfiguration()

    public struct Pricing: Sendable, Hashable {
        /// Money per ArcGIS Online credit, in `currency`; nil leaves credit usage unpriced.
        public var creditPrice: Decimal?
        /// `volume` prices every tiered meter by volume; `graduated` (the default) leaves each
        /// rate card's own mode (`rates.tier_mode`) in charge.
        public var tierMode: TierMode

        public init(creditPrice: Decimal? = nil, tierMode: TierMode = .graduated) {
            self.creditPrice = creditPrice
            self.tierMode = tierMode
        }
    }

    public init(
        currency: String = "USD", pricing: Pricing = Pricing(), costCenters: CostCenterRules = CostCenterRules(),
        path: String? = nil
    ) {
        self.currency = currency
        self.pricing = pricing
        self.costCenters = costCenters
        self.path = path
    }

    /// USD, no credit price, graduated tiers, the default tag keys, no rules, "Unassigned".
    public static let defaults = WarehouseConfig()

    /// The file name looked for in the working directory when no `--config` is given.
    public static let defaultFileName = "warehouse.yaml"
}

/// A configuration file that cannot be used: one line naming the file and the key.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    /// The dotted key (`pricing.tier_mode`, `cost_centers.rules[2].user`); empty for the whole file.
    public let key: String
    public let message: String
    public let line: Int?

    public init(file: String, key: String, message: String, line: Int? = nil) {
        self.file = file
        self.key = key
        self.message = message
        self.line = line
    }

    public var description: String {
        var text = file + ": "
        if !key.isEmpty { text += key + ": " }
        text += message
        if let line { text += " (line \(line))" }
        return text
    }
}
