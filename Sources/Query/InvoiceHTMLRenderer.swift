import Foundation

/// `--format html`: one self-contained printable page. Inline CSS (with `@media print` rules so
/// groups are not split across pages), a bar chart of the group totals in inline SVG, no fonts,
/// scripts or images fetched from anywhere.
struct InvoiceHTMLRenderer {
    let invoice: Invoice

    func render() -> String {
        var body = "<header><h1>Invoice \(h(invoice.period))</h1>\n"
        body += "<p class=\"meta\">Grouped by \(h(invoice.grouping.rawValue)) &middot; Sources: \(h(invoice.sourcesText))</p></header>\n"
        if invoice.invoices.isEmpty { body += "<p>No priced usage in \(h(invoice.period)).</p>\n" }
        for currencyInvoice in invoice.invoices { body += section(currencyInvoice) }
        if !invoice.unpriced.isEmpty { body += unpricedSection() }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Invoice \(h(invoice.period))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    func section(_ currencyInvoice: CurrencyInvoice) -> String {
        let currency = h(currencyInvoice.currency)
        var out = "<section class=\"currency\">\n<h2>\(currency) <span class=\"total\">Total \(currency) \(currencyInvoice.totalText)</span></h2>\n"
        out += chart(currencyInvoice)
        out += "<table>\n<thead><tr><th>Item</th><th>Meter id</th><th class=\"num\">Quantity</th><th>Unit</th><th class=\"num\">Unit price</th><th class=\"num\">Amount</th></tr></thead>\n"
        for group in currencyInvoice.groups {
            out += "<tbody class=\"group\">\n<tr class=\"group-head\"><th colspan=\"6\">\(h(group.key))</th></tr>\n"
            for line in group.lines {
                out += "<tr><td>\(h(line.meterName))</td><td class=\"id\">\(h(line.meterID))</td><td class=\"num\">\(line.quantityText)</td>"
                    + "<td>\(h(line.unit ?? ""))</td><td class=\"num\">\(line.unitPriceDisplay)</td><td class=\"num\">\(line.amountText)</td></tr>\n"
                for tier in line.tiers {
                    out += "<tr class=\"tier\"><td>\(h(tier.label))</td><td></td><td class=\"num\">\(tier.quantityText)</td>"
                        + "<td>\(h(tier.isDiscount ? "" : line.unit ?? ""))</td><td class=\"num\">\(tier.unitPriceText)</td><td class=\"num\">\(tier.amountText)</td></tr>\n"
                }
            }
            out += "<tr class=\"subtotal\"><td colspan=\"5\">Subtotal \(h(group.key))</td><td class=\"num\">\(group.subtotalText)</td></tr>\n</tbody>\n"
        }
        out += "<tfoot><tr class=\"grand\"><td colspan=\"5\">Total \(currency)</td><td class=\"num\">\(currencyInvoice.totalText)</td></tr></tfoot>\n</table>\n</section>\n"
        return out
    }

    /// Horizontal bars, one per group, scaled to the largest absolute subtotal.
    func chart(_ currencyInvoice: CurrencyInvoice) -> String {
        let groups = currencyInvoice.groups
        guard !groups.isEmpty else { return "" }
        let rowHeight = 22, labelWidth = 200, barWidth = 380, valueWidth = 110
        let width = labelWidth + barWidth + valueWidth, height = groups.count * rowHeight + 8
        let largest = max(groups.map { $0.subtotalCents.magnitude }.max() ?? 1, 1)
        var out = "<svg class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"Totals by group\">\n"
        for (index, group) in groups.enumerated() {
            let y = index * rowHeight + 4
            let length = Int((Double(group.subtotalCents.magnitude) / Double(largest) * Double(barWidth - 10)).rounded())
            let label = group.key.count > 28 ? String(group.key.prefix(27)) + "\u{2026}" : group.key
            out += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(h(label))</text>"
            out += "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(max(length, 1))\" height=\"\(rowHeight - 6)\" class=\"\(group.subtotalCents < 0 ? "bar negative" : group.isUnassigned ? "bar unassigned" : "bar")\"/>"
            out += "<text x=\"\(labelWidth + max(length, 1) + 6)\" y=\"\(y + 15)\">\(group.subtotalText)</text>\n"
        }
        return out + "</svg>\n"
    }

    func unpricedSection() -> String {
        var out = "<section class=\"unpriced\">\n<h2>Unpriced usage</h2>\n<p>No rate prices these records; they are not in the totals above.</p>\n"
        out += "<table>\n<thead><tr><th>Group</th><th>Meter</th><th>Meter id</th><th>Source</th><th class=\"num\">Quantity</th><th>Unit</th><th class=\"num\">Records</th></tr></thead>\n<tbody>\n"
        for line in invoice.unpriced {
            out += "<tr><td>\(h(line.group))</td><td>\(h(line.meterName))</td><td class=\"id\">\(h(line.meterID))</td><td>\(h(line.source))</td>"
                + "<td class=\"num\">\(line.quantityText)</td><td>\(h(line.unit ?? ""))</td><td class=\"num\">\(line.records)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// Text as HTML: the same escaping as every other output people open (`SafeText.html`).
    func h(_ text: String) -> String { SafeText.html(text) }

    static let css = """
        body { font-family: "Helvetica Neue", Arial, sans-serif; color: #1b1f24; margin: 2em auto; max-width: 60em; padding: 0 1.5em; font-size: 14px; }
        h1 { font-size: 1.8em; margin: 0 0 .2em; }
        h2 { font-size: 1.3em; border-bottom: 2px solid #1b1f24; padding-bottom: .2em; margin-top: 1.8em; display: flex; justify-content: space-between; }
        .meta { color: #57606a; margin: 0; }
        table { width: 100%; border-collapse: collapse; margin-top: 1em; }
        th, td { text-align: left; padding: .25em .5em; vertical-align: baseline; }
        thead th { border-bottom: 1px solid #57606a; font-size: .85em; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .id { color: #57606a; font-size: .8em; word-break: break-all; }
        tr.group-head th { padding-top: 1em; font-size: 1.05em; border-bottom: 1px solid #d0d7de; }
        tr.tier td { color: #57606a; font-size: .85em; }
        tr.tier td:first-child { padding-left: 2em; }
        tr.subtotal td { border-top: 1px solid #d0d7de; font-weight: 600; }
        tr.grand td { border-top: 3px double #1b1f24; font-weight: 700; font-size: 1.1em; }
        svg.chart { display: block; margin: 1em 0; max-width: 100%; height: auto; font-size: 12px; }
        svg.chart text { fill: #1b1f24; }
        svg.chart .bar { fill: #2f6fb3; }
        svg.chart .bar.unassigned { fill: #8c959f; }
        svg.chart .bar.negative { fill: #c2410c; }
        .unpriced h2 { color: #9a3412; border-color: #9a3412; }
        @page { size: A4; margin: 15mm; }
        @media print {
          body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
          tbody.group, tr, svg.chart { break-inside: avoid; page-break-inside: avoid; }
          thead { display: table-header-group; }
          h2 { break-after: avoid; page-break-after: avoid; }
          a { color: inherit; text-decoration: none; }
        }
        """
}
