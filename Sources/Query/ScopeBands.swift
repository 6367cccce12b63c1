import Foundation
import Load
import WarehouseCore

/// The band-by-band price of each pricing scope (`charge_scopes.bands`), and a line's share of it.
///
/// A line (one meter within one group) can hold only part of a scope (the scope is the whole
/// account's meter for the month; the group one cost center of it) and parts of several scopes
/// (several accounts). Its tier rows are, for every band, the sum over its scopes of
/// band quantity x share and band amount x share, where share = the line's quantity in that scope /
/// the scope's total quantity: the same pro-rata rule that split the scope's cost into charges.
/// An offer-term discount becomes one more row, "discount", shared the same way.
public struct ScopeBands: Sendable {
    public struct Band: Decodable, Sendable {
        public var from: String
        public var to: String?
        public var quantity: String
        public var unit_price: String
        public var amount: String
    }

    struct Key: Hashable {
        var source: String
        var account: String
        var meterID: String
    }

    var currency: String?
    var totalQuantity: Decimal
    var discount: Decimal
    var bands: [Band]

    public struct BadBands: Error, CustomStringConvertible {
        public let scope: String
        public let reason: String
        public var description: String { "charge_scopes \(scope): bands \(reason)" }
    }

    static func load(_ db: any WarehouseReader, period: String) throws -> [Key: ScopeBands] {
        var result: [Key: ScopeBands] = [:]
        let decoder = JSONDecoder()
        try db.query("""
            SELECT source, account_id, meter_id, total_quantity, currency, bands, discount
            FROM charge_scopes WHERE period = ?1
            """, period) { row in
            let name = "\(row.string(0))/\(row.string(1))/\(row.string(2))/\(period)"
            let bands: [Band]
            do {
                bands = try decoder.decode([Band].self, from: Data(row.string(5).utf8))
            } catch {
                throw BadBands(scope: name, reason: "are not the documented JSON array of band objects")
            }
            guard let total = ExactDecimal.parse(row.string(3)), let discount = ExactDecimal.parse(row.string(6)) else {
                throw BadBands(scope: name, reason: "scope has a total_quantity or discount that is not a decimal")
            }
            result[Key(source: row.string(0), account: row.string(1).lowercased(), meterID: row.string(2).lowercased())] =
                ScopeBands(currency: row.optionalString(4), totalQuantity: total, discount: discount, bands: bands)
        }
        return result
    }

    /// The tier rows of a line of `meterID` whose quantity per account is `accounts`.
    static func tiers(
        _ scopes: [Key: ScopeBands], source: String, meterID: String, currency: String, accounts: [String: Decimal]
    ) -> [InvoiceTier] {
        struct BandKey: Hashable { var from: String, to: String?, price: String }
        var order: [BandKey] = []
        var sums: [BandKey: (quantity: Decimal, amount: Decimal, from: Decimal?, to: Decimal?, price: Decimal?)] = [:]
        var discount = Decimal(0)
        for account in accounts.keys.sorted() {
            guard let quantity = accounts[account],
                let scope = scopes[Key(source: source, account: account, meterID: meterID.lowercased())],
                scope.currency == currency, !scope.totalQuantity.isZero
            else { continue }
            let share = quantity / scope.totalQuantity
            discount += scope.discount * share
            for band in scope.bands {
                let from = ExactDecimal.parse(band.from), to = band.to.flatMap(ExactDecimal.parse)
                let price = ExactDecimal.parse(band.unit_price)
                let key = BandKey(
                    from: from.map(ExactDecimal.format) ?? band.from, to: to.map(ExactDecimal.format) ?? band.to,
                    price: price.map(ExactDecimal.format) ?? band.unit_price)
                if sums[key] == nil {
                    order.append(key)
                    sums[key] = (0, 0, from, to, price)
                }
                sums[key]?.quantity += (ExactDecimal.parse(band.quantity) ?? 0) * share
                sums[key]?.amount += (ExactDecimal.parse(band.amount) ?? 0) * share
            }
        }
        let sorted = order.enumerated().sorted { a, b in
            let fa = sums[a.element]?.from ?? 0, fb = sums[b.element]?.from ?? 0
            return fa != fb ? fa < fb : a.offset < b.offset
        }.map(\.element)
        var tiers = sorted.compactMap { key -> InvoiceTier? in
            guard let s = sums[key] else { return nil }
            return InvoiceTier(
                from: s.from, to: s.to, quantity: s.quantity, unitPrice: s.price, exactAmount: s.amount, amountCents: 0,
                isDiscount: false)
        }
        if !discount.isZero {
            tiers.append(InvoiceTier(
                from: nil, to: nil, quantity: 0, unitPrice: nil, exactAmount: -discount, amountCents: 0, isDiscount: true))
        }
        return tiers
    }
}
