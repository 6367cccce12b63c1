import Foundation
import WarehouseCore

/// `--format json`, a stable contract (documented in the README): decimals as strings, amounts with
/// two places, one entry of `invoices` per currency; the top-level `currency`, `total` and `groups`
/// repeat the only invoice when there is exactly one currency, and are null, null and [] when
/// there are several (so a script that ignores `invoices` cannot add currencies by mistake).
struct InvoiceJSONRenderer {
    let invoice: Invoice

    func render() -> String { document.pretty() + "\n" }

    var document: JSONValue {
        let single = invoice.invoices.count == 1 ? invoice.invoices.first : nil
        let none = invoice.invoices.isEmpty
        return .members([
            ("period", .string(invoice.period)),
            ("group_by", .string(invoice.grouping.rawValue)),
            ("currency", .text(single?.currency)),
            ("total", single.map { .string($0.totalText) } ?? (none ? .string("0.00") : .null)),
            ("groups", .array(single.map { $0.groups.map(group) } ?? [])),
            ("invoices", .array(invoice.invoices.map { currencyInvoice in
                .members([
                    ("currency", .string(currencyInvoice.currency)),
                    ("total", .string(currencyInvoice.totalText)),
                    ("groups", .array(currencyInvoice.groups.map(group))),
                ])
            })),
            ("unpriced", .array(invoice.unpriced.map { line in
                .members([
                    ("group", .string(line.group)), ("source", .string(line.source)), ("meter_id", .string(line.meterID)),
                    ("meter_name", .string(line.meterName)), ("quantity", .string(line.quantityText)),
                    ("unit", .text(line.unit)), ("records", .integer(line.records)),
                ])
            })),
            ("sources", .array(invoice.sources.map { source in
                .members([("name", .string(source.name)), ("last_refreshed", .text(source.lastRefreshed))])
            })),
        ])
    }

    func group(_ group: InvoiceGroup) -> JSONValue {
        .members([
            ("key", .string(group.key)),
            ("unassigned", .bool(group.isUnassigned)),
            ("subtotal", .string(group.subtotalText)),
            ("lines", .array(group.lines.map(line))),
        ])
    }

    func line(_ line: InvoiceLine) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("source", .string(line.source)),
            ("meter_id", .string(line.meterID)),
            ("meter_name", .string(line.meterName)),
            ("quantity", .string(line.quantityText)),
            ("unit", .text(line.unit)),
            ("unit_price", .text(line.unitPrice.map(DecimalText.exact))),
            ("amount", .string(line.amountText)),
            ("records", .integer(line.records)),
        ]
        if invoice.tiersShown {
            pairs.append(("tiers", .array(line.tiers.map { tier in
                .members([
                    ("kind", .string(tier.isDiscount ? "discount" : "band")),
                    ("from", .text(tier.from.map(DecimalText.exact))),
                    ("to", .text(tier.to.map(DecimalText.exact))),
                    ("quantity", tier.isDiscount ? .null : .string(tier.quantityText)),
                    ("unit_price", .text(tier.unitPrice.map(DecimalText.exact))),
                    ("amount", .string(tier.amountText)),
                ])
            })))
        }
        return .members(pairs)
    }
}
