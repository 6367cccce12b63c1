import Foundation
import WarehouseCore

/// How a tiered meter turns a quantity into a price.
public enum TierMode: String, Sendable, CaseIterable, Hashable {
    /// Each band of quantity at its own rate (what Azure rate cards mean; the default).
    case graduated
    /// The whole chargeable quantity at the rate of the highest tier reached.
    case volume
}

/// One tier of a rate card: from `minimum` (a threshold in the card's unit) upward, `unitPrice`
/// per unit, until the next tier's minimum.
public struct RateTier: Sendable, Hashable {
    public var minimum: Decimal
    public var unitPrice: Decimal

    public init(minimum: Decimal, unitPrice: Decimal) {
        self.minimum = minimum
        self.unitPrice = unitPrice
    }
}

/// The price of one meter as one rate card states it from `effectiveDay` on.
///
/// Tiers are kept sorted by their thresholds *as numbers*: Partner Center sends `rates` as a JSON
/// object with string keys, and sorting those as text puts "10240" before "5" (the contracts'
/// "known-wrong implementations" list code that relied on dictionary order). Two keys that are the
/// same number ("5" and "5.0") keep the first one given. The lowest tier starts at zero whatever
/// its key says, so a card never leaves a quantity silently free (`TieredPricing`).
///
/// Partner Center rate card: https://learn.microsoft.com/partner-center/developer/get-prices-for-microsoft-azure
public struct RateCard: Sendable, Hashable {
    public var currency: String
    /// `YYYY-MM-DD`: the first usage day this card prices.
    public var effectiveDay: String
    public private(set) var tiers: [RateTier]
    /// Free quantity per scope: a first band at price 0 before the paid tiers.
    public var includedQuantity: Decimal
    public var mode: TierMode

    /// `nil` when `tiers` is empty: a card without a price is no card.
    public init?(
        currency: String, effectiveDay: String, tiers: [RateTier], includedQuantity: Decimal = 0,
        mode: TierMode = .graduated
    ) {
        var sorted: [RateTier] = []
        let ordered = tiers.enumerated().sorted {
            $0.element.minimum != $1.element.minimum ? $0.element.minimum < $1.element.minimum : $0.offset < $1.offset
        }
        for tier in ordered where sorted.last?.minimum != tier.element.minimum {
            sorted.append(tier.element)
        }
        guard !sorted.isEmpty else { return nil }
        self.currency = currency
        self.effectiveDay = effectiveDay
        self.tiers = sorted
        self.includedQuantity = includedQuantity
        self.mode = mode
    }

    /// A card from rate text as stored in `rates` (`tier_min` -> `unit_price`); `nil` when a
    /// number does not parse or there is no tier.
    public init?(
        currency: String, effectiveDay: String, rates: [(tierMinimum: String, unitPrice: String)],
        includedQuantity: String = "0", mode: TierMode = .graduated
    ) {
        var tiers: [RateTier] = []
        for rate in rates {
            guard let minimum = ExactDecimal.parse(rate.tierMinimum), let price = ExactDecimal.parse(rate.unitPrice) else {
                return nil
            }
            tiers.append(RateTier(minimum: minimum, unitPrice: price))
        }
        guard let included = ExactDecimal.parse(includedQuantity) else { return nil }
        self.init(currency: currency, effectiveDay: effectiveDay, tiers: tiers, includedQuantity: included, mode: mode)
    }
}

/// Every card of one meter, oldest first: the card in force on a day is the latest one effective
/// on or before it ("every pull of a rate card is kept", DESIGN.md §4). Usage dated before the
/// first card has no rate: it is unpriced, not priced by a card that did not exist yet.
public struct RateSchedule: Sendable, Hashable {
    public private(set) var cards: [RateCard]

    public init(_ cards: [RateCard]) {
        self.cards = cards.sorted { $0.effectiveDay < $1.effectiveDay }
    }

    /// The index into `cards` of the card in force on `day` (`YYYY-MM-DD`), or nil.
    public func cardIndex(on day: String) -> Int? {
        var low = 0
        var high = cards.count
        while low < high {
            let mid = (low + high) / 2
            if cards[mid].effectiveDay <= day { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : low - 1
    }

    /// The card in force on `day` (`YYYY-MM-DD`), or nil when the first card is later.
    public func card(on day: String) -> RateCard? {
        cardIndex(on: day).map { cards[$0] }
    }
}
