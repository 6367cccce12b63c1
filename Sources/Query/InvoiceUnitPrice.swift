import Foundation
import WarehouseCore

/// How an invoice line's unit price is known.
///
/// Dividing the amount by the quantity gives prices no price list has: the amount is a sum of
/// charges rounded to micro-units, so a $15 meter shows 15.000003. Where the line's charges were
/// priced at one band price, that price is the unit price; where several prices were blended
/// (graduated tiers, a free included quantity, a mid-month price change, an offer discount) the
/// average is the honest figure, and the band prices are in `--tiers`; where nothing states a
/// price (cost-export rows carry their cost, and the export's `UnitPrice` is not stored) the
/// quotient is shown only to the places the rounded amounts support.
public enum UnitPriceBasis: String, Sendable, Equatable {
    /// One band price applies to the whole line: the rate card's (or the credit price).
    case stated
    /// Several prices were blended: amount ÷ quantity.
    case average
    /// No band states a price (billed cost, or charges written without their scope).
    case derived
}

extension ScopeBands {
    /// The basis of a line of `meterID` whose quantity per account is `accounts`, and the stated
    /// price when there is one: the single unit price of every band with a quantity in every scope
    /// the line has quantity in, with no discount.
    static func unitPrice(
        _ scopes: [Key: ScopeBands], source: String, meterID: String, currency: String, accounts: [String: Decimal]
    ) -> (basis: UnitPriceBasis, stated: Decimal?) {
        var prices = Set<Decimal>()
        var unstated = false
        for (account, quantity) in accounts where !quantity.isZero {
            guard let scope = scopes[Key(source: source, account: account, meterID: meterID.lowercased())],
                scope.currency == currency
            else {
                unstated = true
                continue
            }
            let banded = scope.bands.filter { ExactDecimal.parse($0.quantity).map { !$0.isZero } ?? true }
            if banded.isEmpty { unstated = true }
            for band in banded {
                guard let price = ExactDecimal.parse(band.unit_price) else { return (.average, nil) }
                prices.insert(price)
            }
            if !scope.discount.isZero { prices.insert(-1) }  // a discount blends: never one price
        }
        if prices.isEmpty { return (.derived, nil) }
        if prices.count == 1, !unstated, let price = prices.first { return (.stated, price) }
        return (.average, nil)
    }
}

extension InvoiceLine {
    /// Places a derived unit price is shown to: those the amount supports. Each record's charge is
    /// within a micro-unit of its exact value, so amount ÷ quantity is within records × 10⁻⁶ ÷
    /// quantity; the price is rounded to the most places (at most 6) whose last one is still
    /// larger than that.
    var derivedScale: Int {
        guard !quantity.isZero else { return 6 }
        let bound = Decimal(max(records, 1)) / 1_000_000 / abs(quantity)
        for scale in stride(from: 6, through: 0, by: -1) where Decimal(sign: .plus, exponent: -scale, significand: 1) >= bound {
            return scale
        }
        return 0
    }
}
