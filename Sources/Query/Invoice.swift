import Foundation
import WarehouseCore

/// What an invoice is grouped by: one column of `invoice_lines` each.
public enum InvoiceGrouping: String, CaseIterable, Sendable {
    case costCenter, user, customer, subscription, resourceGroup, meter
}

/// The question an invoice answers: one billing period, grouped one way, optionally for one source.
public struct InvoiceRequest: Sendable {
    public var period: String
    public var grouping: InvoiceGrouping
    public var source: String?
    public var tiers: Bool

    public init(period: String, grouping: InvoiceGrouping = .costCenter, source: String? = nil, tiers: Bool = false) {
        self.period = period
        self.grouping = grouping
        self.source = source
        self.tiers = tiers
    }
}

/// One band of a line's tiered price: the line's pro-rata share of the band of each pricing scope
/// it belongs to (see `InvoiceBuilder+Tiers`). A discount row (offer terms) has no band bounds.
public struct InvoiceTier: Equatable, Sendable {
    public var from: Decimal?
    public var to: Decimal?
    public var quantity: Decimal
    public var unitPrice: Decimal?
    /// The exact share, before rounding to cents.
    public var exactAmount: Decimal
    /// What is displayed: cents, apportioned so the tiers add up to the line's displayed amount.
    public var amountCents: Int64
    public var isDiscount: Bool
}

/// One meter (or AGOL service type) within a group.
public struct InvoiceLine: Equatable, Sendable {
    public var source: String
    public var meterID: String
    public var meterName: String
    public var unit: String?
    public var quantity: Decimal
    public var records: Int
    public var amountMicros: Int64
    public var amountCents: Int64
    public var tiers: [InvoiceTier]
    /// How the unit price is known (see `UnitPriceBasis`).
    public var priceBasis: UnitPriceBasis = .derived
    /// The band price when `priceBasis` is `.stated`.
    public var statedPrice: Decimal?

    /// The stated price where one price applies; else amount / quantity (exact micro-units over
    /// the exact quantity), to 6 places for an average and to the places the amount supports when
    /// derived (`derivedScale`); nil for a zero quantity.
    public var unitPrice: Decimal? {
        guard !quantity.isZero else { return nil }
        if priceBasis == .stated, let statedPrice { return statedPrice }
        let scale = priceBasis == .derived ? derivedScale : 6
        return ExactDecimal.rounded(Decimal(amountMicros) / Decimal(1_000_000) / quantity, scale: scale)
    }
}

/// One cost center, user, customer... with its lines.
public struct InvoiceGroup: Equatable, Sendable {
    public var key: String
    public var isUnassigned: Bool
    public var amountMicros: Int64
    public var subtotalCents: Int64
    public var lines: [InvoiceLine]
}

/// Everything of one currency in the period: currencies are invoiced separately, never added.
public struct CurrencyInvoice: Equatable, Sendable {
    public var currency: String
    public var totalMicros: Int64
    public var totalCents: Int64
    public var groups: [InvoiceGroup]
}

/// Usage no rate prices, per group and meter: shown, counted, never priced as zero.
public struct UnpricedLine: Equatable, Sendable {
    public var group: String
    public var source: String
    public var meterID: String
    public var meterName: String
    public var unit: String?
    public var quantity: Decimal
    public var records: Int
}

/// A source on the invoice and when its data was last refreshed (latest raw page or checkpoint).
public struct SourceRefresh: Equatable, Sendable {
    public var name: String
    public var lastRefreshed: String?

    public init(name: String, lastRefreshed: String?) {
        self.name = name
        self.lastRefreshed = lastRefreshed
    }
}

/// A built invoice, ready for any renderer.
public struct Invoice: Equatable, Sendable {
    public var period: String
    public var grouping: InvoiceGrouping
    public var tiersShown: Bool
    public var invoices: [CurrencyInvoice]
    public var unpriced: [UnpricedLine]
    public var sources: [SourceRefresh]
    /// True when `invoice_rollup` did not match the month's charges and the invoice was read from
    /// the charges joined to their usage instead (same figures, slower).
    public var readFromCharges = false
    /// True when the month's facts changed after its charges were made (see `pendingWarning`).
    public var awaitingReprice = false

    public var unpricedRecords: Int { unpriced.reduce(0) { $0 + $1.records } }
}

extension Invoice {
    /// The formats an invoice prints in.
    public static let formats: [OutputFormat] = [.table, .csv, .json, .markdown, .html]

    /// The invoice in `format` (one of `formats`; a table for the others).
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table, .tsv, .jsonl: return InvoiceTableRenderer(invoice: self).render()
        case .csv: return InvoiceCSVRenderer(invoice: self).render()
        case .json: return InvoiceJSONRenderer(invoice: self).render()
        case .markdown: return InvoiceMarkdownRenderer(invoice: self).render()
        case .html: return InvoiceHTMLRenderer(invoice: self).render()
        }
    }
}
