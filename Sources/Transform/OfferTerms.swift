import Foundation

/// An offer term from a rate card: a discount taken off a scope's tiered cost for every meter
/// not excluded, e.g. Partner Center's "Overage discount" 0.15 with `excludedMeterIds`.
///
/// Applied after tiering (contracts/azure.md §3). The term in force for a billing period is, per
/// term name and currency, the latest one effective on or before the period's first day; the
/// discounts of different terms in force add up (two 10% terms take 20% off, never more than all).
///
/// Partner Center rate card offer terms: https://learn.microsoft.com/partner-center/developer/azure-rate-card-resources
public struct OfferTerm: Sendable, Hashable {
    public var name: String
    public var currency: String
    /// `YYYY-MM-DD`
    public var effectiveDay: String
    /// A fraction of the cost: 0.15 = 15% off.
    public var discount: Decimal
    /// Meter ids the term does not apply to, lower-cased (meter ids compare case-insensitively).
    public var excludedMeterIDs: Set<String>

    public init(name: String, currency: String, effectiveDay: String, discount: Decimal, excludedMeterIDs: some Sequence<String>) {
        self.name = name
        self.currency = currency
        self.effectiveDay = effectiveDay
        self.discount = discount
        self.excludedMeterIDs = Set(excludedMeterIDs.map { $0.lowercased() })
    }
}

extension OfferTerm {
    /// The fraction taken off the cost of `meterID`'s usage in `currency` for the billing period
    /// starting on `periodStart` (`YYYY-MM-DD`): 0 when no term applies, at most 1.
    public static func discount(
        _ terms: [OfferTerm], meterID: String, currency: String, periodStart: String
    ) -> Decimal {
        var latest: [String: OfferTerm] = [:]
        for term in terms where term.currency.caseInsensitiveCompare(currency) == .orderedSame && term.effectiveDay <= periodStart {
            if let current = latest[term.name], current.effectiveDay >= term.effectiveDay { continue }
            latest[term.name] = term
        }
        let meter = meterID.lowercased()
        let total = latest.values.filter { !$0.excludedMeterIDs.contains(meter) }.reduce(Decimal(0)) { $0 + $1.discount }
        return min(total, 1)
    }
}
