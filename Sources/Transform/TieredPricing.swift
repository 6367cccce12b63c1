import Foundation

/// One band of a priced quantity, as `charge_scopes.bands` records it: `quantity` units between
/// `from` and `to` (nil = open-ended) at `unitPrice`, costing `amount`. Exact, never rounded.
public struct PriceBand: Sendable, Hashable {
    public var from: Decimal
    public var to: Decimal?
    public var quantity: Decimal
    public var unitPrice: Decimal
    public var amount: Decimal

    public init(from: Decimal, to: Decimal?, quantity: Decimal, unitPrice: Decimal, amount: Decimal) {
        self.from = from
        self.to = to
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.amount = amount
    }

    /// This band's quantity and amount times `factor` (a card's share of a scope).
    func scaled(by factor: Decimal) -> PriceBand {
        PriceBand(from: from, to: to, quantity: quantity * factor, unitPrice: unitPrice, amount: amount * factor)
    }
}

/// Tiered pricing of one scope's total (DESIGN.md §4, contracts/azure.md §3).
///
/// The card's bands are half-open, `[k_i, k_{i+1})`, with thresholds sorted as numbers. An
/// included quantity is a free first band `[0, included)` and shifts every threshold up by it
/// (AzureBillingApi's reading, and the worked case: rates {0: 1, 5: 2}, included 5, 16 units ->
/// 0×5 + 1×5 + 2×6 = 17). The lowest paid band starts right after the included quantity, whatever
/// the first key says.
///
/// - Graduated (default): every band's share of the total at the band's price; rates
///   {0: 1.00, 200: 0.90}, total 250 -> 200×1.00 + 50×0.90 = 245.00. A total exactly at a
///   threshold fills the band below it only.
/// - Volume: the included band, then all of the rest at the price of the band the total reaches.
/// - A negative total (corrections outweighing usage) is a credit at the price of the first band
///   (zero when the meter has an included quantity, since that usage was free), written as a
///   single band with a negative quantity. A correction inside a positive total just lowers it.
/// - Zero is no band and costs nothing.
extension RateCard {
    /// The card's bands after the included-quantity shift: (from, to, price), `to` nil for the last.
    public var schedule: [(from: Decimal, to: Decimal?, price: Decimal)] {
        let included = max(includedQuantity, 0)
        var result: [(from: Decimal, to: Decimal?, price: Decimal)] = []
        if included > 0 { result.append((0, included, 0)) }
        for (index, tier) in tiers.enumerated() {
            let from = index == 0 ? included : max(tier.minimum + included, included)
            let to = index + 1 < tiers.count ? tiers[index + 1].minimum + included : nil
            // Thresholds are sorted, so bands are contiguous; one squeezed out by keys at or below
            // zero (a lowest key that is not 0) is dropped and the next one starts at `included`.
            if let to, to <= from { continue }
            result.append((from, to, tier.unitPrice))
        }
        return result
    }

    /// The bands `total` occupies, in band order; their amounts add up to `cost(of: total)`.
    public func bands(for total: Decimal) -> [PriceBand] {
        let schedule = schedule
        guard let first = schedule.first, !total.isZero else { return [] }
        if total < 0 {
            return [PriceBand(from: first.from, to: first.to, quantity: total, unitPrice: first.price, amount: total * first.price)]
        }
        switch mode {
        case .graduated:
            var bands: [PriceBand] = []
            for band in schedule where total > band.from {
                let top = band.to.map { min($0, total) } ?? total
                let quantity = top - band.from
                bands.append(PriceBand(from: band.from, to: band.to, quantity: quantity, unitPrice: band.price, amount: quantity * band.price))
            }
            return bands
        case .volume:
            let included = max(includedQuantity, 0)
            var bands: [PriceBand] = []
            if included > 0 {
                let quantity = min(total, included)
                bands.append(PriceBand(from: 0, to: included, quantity: quantity, unitPrice: 0, amount: 0))
                if total <= included { return bands }
            }
            // The band reached: the last whose lower bound is at or below the total (half-open bands).
            let paid = schedule.dropFirst(included > 0 ? 1 : 0)
            guard let reached = paid.last(where: { $0.from <= total }) ?? paid.first else { return bands }
            let quantity = total - included
            bands.append(PriceBand(from: reached.from, to: reached.to, quantity: quantity, unitPrice: reached.price, amount: quantity * reached.price))
            return bands
        }
    }

    /// The exact price of `total` units under this card (before offer terms).
    public func cost(of total: Decimal) -> Decimal {
        bands(for: total).reduce(0) { $0 + $1.amount }
    }
}
