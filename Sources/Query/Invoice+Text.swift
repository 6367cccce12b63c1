import Foundation
import WarehouseCore

/// The texts every renderer prints, so the formats never disagree on a figure.
extension InvoiceLine {
    var quantityText: String { DecimalText.exact(quantity) }
    var unitPriceText: String { unitPrice.map(DecimalText.exact) ?? "" }
    /// For people (table, markdown, html): a derived price is marked `~`, no price list states
    /// it. CSV and JSON keep the bare number for programs.
    var unitPriceDisplay: String { priceBasis == .derived && unitPrice != nil ? "~" + unitPriceText : unitPriceText }
    var amountText: String { CentRounding.format(cents: amountCents) }
}

extension InvoiceTier {
    /// "0 to 200", "200 and over", or "discount".
    var label: String {
        if isDiscount { return "discount (offer terms)" }
        let lower = from.map(DecimalText.exact) ?? "0"
        guard let to else { return "\(lower) and over" }
        return "\(lower) to \(DecimalText.exact(to))"
    }
    var quantityText: String { isDiscount ? "" : DecimalText.rounded(quantity, scale: 6) }
    var unitPriceText: String { unitPrice.map(DecimalText.exact) ?? "" }
    var amountText: String { CentRounding.format(cents: amountCents) }
}

extension UnpricedLine {
    var quantityText: String { DecimalText.exact(quantity) }
}

extension Invoice {
    /// "agol (last refreshed 2026-11-01T02:00:00Z), contoso-csp (never refreshed)".
    var sourcesText: String {
        if sources.isEmpty { return "none" }
        return sources.map { "\($0.name) (last refreshed \($0.lastRefreshed ?? "never"))" }.joined(separator: ", ")
    }

    /// The one-line stderr warning when usage is unpriced, or nil.
    public var unpricedWarning: String? {
        guard !unpriced.isEmpty else { return nil }
        let meters = Set(unpriced.map { "\($0.source)/\($0.meterID.lowercased())" }).count
        return "\(unpricedRecords) usage record(s) of \(meters) meter(s) in \(period) have no price and are not in the totals (see the unpriced section)"
    }

    /// Why this invoice was slow, and how to make the next one fast again.
    public var rollupWarning: String? {
        guard readFromCharges else { return nil }
        return "the invoice rollup of \(period) does not match its charges (usage deleted or charges written since it was last priced); "
            + "read from the charges instead, which is slower. It is rewritten when \(period) is next priced (`warehouse import`, `warehouse etl`)"
    }
}

extension Invoice {
    /// The note, for standard error, on unit prices no price list states as printed, or nil: an
    /// average over several band prices (its bands are under `--tiers`), or marked `~` (derived).
    public var unitPriceNote: String? {
        let lines = invoices.flatMap(\.groups).flatMap(\.lines).filter { !$0.quantity.isZero }
        let averaged = tiersShown ? [] : lines.filter { $0.priceBasis == .average }
        let derived = lines.filter { $0.priceBasis == .derived }
        var notes: [String] = []
        if let first = averaged.first {
            notes.append("\(averaged.count) line(s) blend several prices (tiers, included quantities, a price change or a discount; "
                + "e.g. \(first.meterName)): their unit price is the average, and `--tiers` shows each band's price")
        }
        if !derived.isEmpty {
            notes.append("\(derived.count) line(s) marked ~ have no stated price (cost-export rows carry their cost; the export's "
                + "UnitPrice is not stored): their unit price is amount ÷ quantity, to the places the rounded amounts support")
        }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    /// The one-line warning when the month waits for repricing, or nil.
    public var pendingWarning: String? {
        guard awaitingReprice else { return nil }
        return "\(period) has usage loaded after its charges were made (a run stopped before pricing it); "
            + "the amounts may be behind until the next `warehouse etl`, `import` or `rebuild`"
    }
}

extension CurrencyInvoice {
    var totalText: String { CentRounding.format(cents: totalCents) }
}

extension InvoiceGroup {
    var subtotalText: String { CentRounding.format(cents: subtotalCents) }
}
