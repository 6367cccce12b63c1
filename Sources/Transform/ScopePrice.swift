import Foundation

/// One usage row of a pricing scope, as the pricer needs it.
public struct UsageLine: Sendable, Hashable {
    /// An order-free tie-break key, unique within the scope (the row's natural key).
    public var key: String
    public var quantity: Decimal
    /// `YYYY-MM-DD` (UTC) of the usage start: picks the rate card in force.
    public var day: String
    /// ArcGIS Online usage in credits (`usage.unit = 'credits'`): priced per credit, no tiers.
    public var isCredits: Bool
    /// The cost the source already billed (Azure cost exports), charged as is.
    public var billedCost: Decimal?
    public var billedCurrency: String?

    public init(
        key: String, quantity: Decimal, day: String, isCredits: Bool = false, billedCost: Decimal? = nil,
        billedCurrency: String? = nil
    ) {
        self.key = key
        self.quantity = quantity
        self.day = day
        self.isCredits = isCredits
        self.billedCost = billedCost
        self.billedCurrency = billedCurrency
    }
}

/// One line's charge: micro-units in a currency, or unpriced (both nil), never a silent zero.
public struct LineCharge: Sendable, Hashable {
    public var amountMicros: Int64?
    public var currency: String?

    public init(amountMicros: Int64?, currency: String?) {
        self.amountMicros = amountMicros
        self.currency = currency
    }

    public static let unpriced = LineCharge(amountMicros: nil, currency: nil)
}

/// A priced scope: what `charge_scopes` and `charges` record for it.
public struct ScopePrice: Sendable, Hashable {
    public var totalQuantity: Decimal
    /// The scope's cost: the sum of its priced lines, so every total is the sum of its lines.
    /// nil when no line is priced, or (never in practice) when its lines are in two currencies.
    public var costMicros: Int64?
    public var currency: String?
    public var bands: [PriceBand]
    /// The offer-term amount taken off the bands' sum (exact).
    public var discount: Decimal
    /// One per input line, in input order.
    public var lines: [LineCharge]

    /// True when some line has no price.
    public var hasUnpricedLines: Bool { lines.contains { $0.amountMicros == nil } }
}
