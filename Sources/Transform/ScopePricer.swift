import Foundation
import WarehouseCore

/// Prices one scope (source, account, meter, billing month): pure, order-free.
///
/// The lines fall into three parts, each rounded once to micro-units and shared among its lines
/// by `LargestRemainder`, so the lines add up exactly to the scope's cost:
/// - lines with a billed cost (cost exports): that cost, rounded to micro-units, no tiering;
/// - credit lines: quantity × the configured credit price (unpriced when none is configured);
/// - metered lines: the rate card in force on each line's day prices the *total* of all metered
///   lines (tiers and included quantity apply to the month, never to a daily record), and each
///   line gets that cost pro rata to its quantity. When a price changes mid-month, each card
///   prices the month total and contributes in proportion to the quantity dated under it:
///   cost = Σ_card F_card(total) × (quantity under card ÷ total). Lines dated before the meter's
///   first card are unpriced (their quantity still counts toward the month's tiers).
///   Offer-term discounts come off each card's part after tiering.
public struct ScopePricer: Sendable {
    /// Money per credit, in `currency`; nil leaves credit usage unpriced.
    public var creditPrice: Decimal?
    /// The currency credits are priced in.
    public var currency: String

    public init(creditPrice: Decimal?, currency: String) {
        self.creditPrice = creditPrice
        self.currency = currency
    }

    /// - Parameters:
    ///   - lines: the scope's usage rows.
    ///   - schedule: the meter's rate cards (nil or empty: metered lines are unpriced).
    ///   - discount: the offer-term discount fraction for a card's currency.
    public func price(
        _ lines: [UsageLine], schedule: RateSchedule?, discount: (String) -> Decimal = { _ in 0 }
    ) -> ScopePrice {
        var charges = [LineCharge](repeating: .unpriced, count: lines.count)
        var bands: [PriceBand] = []
        var discountTotal: Decimal = 0
        var total: Decimal = 0
        var credits: [Int] = []
        var metered: [Int] = []
        for (index, line) in lines.enumerated() {
            total += line.quantity
            if let cost = line.billedCost, let currency = line.billedCurrency {
                charges[index] = Micros.from(cost).map { LineCharge(amountMicros: $0, currency: currency) } ?? .unpriced
            } else if line.isCredits {
                credits.append(index)
            } else {
                metered.append(index)
            }
        }

        if !credits.isEmpty, let price = creditPrice {
            let quantity = credits.reduce(Decimal(0)) { $0 + lines[$1].quantity }
            if !quantity.isZero {
                bands.append(PriceBand(from: 0, to: nil, quantity: quantity, unitPrice: price, amount: quantity * price))
            }
            let shares = credits.map { lines[$0].quantity * price * Decimal(Micros.perUnit) }
            share(Micros.from(quantity * price), shares, credits, lines, currency, &charges)
        }

        if !metered.isEmpty, let schedule, !schedule.cards.isEmpty {
            let meteredTotal = metered.reduce(Decimal(0)) { $0 + lines[$1].quantity }
            // Lines grouped by the card in force on their day, in card order.
            var byCard: [Int: [Int]] = [:]
            for index in metered {
                if let card = schedule.cardIndex(on: lines[index].day) { byCard[card, default: []].append(index) }
            }
            var partCost: Decimal = 0
            var shares: [Decimal] = []
            var priced: [Int] = []
            var partCurrency: String?
            for cardIndex in byCard.keys.sorted() {
                let card = schedule.cards[cardIndex]
                let members = byCard[cardIndex] ?? []
                let segment = members.reduce(Decimal(0)) { $0 + lines[$1].quantity }
                let fullBands = card.bands(for: meteredTotal)
                let fullCost = fullBands.reduce(Decimal(0)) { $0 + $1.amount }
                var cardBands = fullBands
                if segment != meteredTotal {
                    let factor = meteredTotal.isZero ? 0 : segment / meteredTotal
                    cardBands = cardBands.map { $0.scaled(by: factor) }.filter { !$0.quantity.isZero }
                }
                let cardCost = cardBands.reduce(Decimal(0)) { $0 + $1.amount }
                let fraction = discount(card.currency)
                let cardDiscount = cardCost * fraction
                bands += cardBands
                discountTotal += cardDiscount
                partCost += cardCost - cardDiscount
                // Each line: the card's price of the month total, pro rata to the line's quantity.
                let numerator = fullCost * (1 - fraction) * Decimal(Micros.perUnit)
                for index in members {
                    shares.append(meteredTotal.isZero ? 0 : numerator * lines[index].quantity / meteredTotal)
                    priced.append(index)
                }
                partCurrency = partCurrency ?? card.currency
            }
            if let partCurrency {
                share(Micros.from(partCost), shares, priced, lines, partCurrency, &charges)
            }
        }

        let currencies = Set(charges.compactMap(\.currency))
        let cost: Int64? = currencies.count == 1 ? charges.reduce(Int64(0)) { $0 + ($1.amountMicros ?? 0) } : nil
        return ScopePrice(
            totalQuantity: total, costMicros: cost, currency: cost == nil ? nil : currencies.first,
            bands: bands, discount: discountTotal, lines: charges)
    }

    private func share(
        _ target: Int64?, _ shares: [Decimal], _ indices: [Int], _ lines: [UsageLine], _ currency: String,
        _ charges: inout [LineCharge]
    ) {
        guard let target else { return }  // beyond Int64 micro-units: leave it unpriced, not wrong
        let amounts = LargestRemainder.apportion(shares, target: target, tieKeys: indices.map { lines[$0].key })
        for (offset, index) in indices.enumerated() {
            charges[index] = LineCharge(amountMicros: amounts[offset], currency: currency)
        }
    }
}
