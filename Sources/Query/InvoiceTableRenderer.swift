import Foundation

/// `--format table`: aligned columns for a terminal, one block per currency.
struct InvoiceTableRenderer {
    let invoice: Invoice

    func render() -> String {
        var out = "Invoice \(invoice.period), grouped by \(invoice.grouping.rawValue)\n"
        out += "Sources: \(SafeText.terminalCell(invoice.sourcesText))\n"
        if invoice.invoices.isEmpty { out += "\nNo priced usage in \(invoice.period).\n" }
        for currencyInvoice in invoice.invoices {
            var rows: [[String]] = [["item", "quantity", "unit", "unit price", "amount"]]
            var rules: Set<Int> = [1]
            for group in currencyInvoice.groups {
                rows.append([group.key, "", "", "", ""])
                for line in group.lines {
                    rows.append(["  " + line.meterName, line.quantityText, line.unit ?? "", line.unitPriceDisplay, line.amountText])
                    for tier in line.tiers {
                        rows.append(["      " + tier.label, tier.quantityText, tier.isDiscount ? "" : line.unit ?? "", tier.unitPriceText, tier.amountText])
                    }
                }
                rows.append(["  subtotal " + group.key, "", "", "", group.subtotalText])
                rules.insert(rows.count)
            }
            rows.append(["TOTAL " + currencyInvoice.currency, "", "", "", currencyInvoice.totalText])
            out += "\n\(currencyInvoice.currency)\n" + TextTable.render(rows, rightAligned: [1, 3, 4], rulesBefore: rules)
        }
        if !invoice.unpriced.isEmpty {
            var rows: [[String]] = [["group", "meter", "meter id", "source", "quantity", "unit", "records"]]
            for line in invoice.unpriced {
                rows.append([line.group, line.meterName, line.meterID, line.source, line.quantityText, line.unit ?? "", String(line.records)])
            }
            out += "\nUnpriced usage (no rate; not in the totals above)\n" + TextTable.render(rows, rightAligned: [4, 6], rulesBefore: [1])
        }
        return out
    }
}

/// Aligned plain-text columns with dashed rules.
enum TextTable {
    /// Cells lose terminal control characters and line breaks (`SafeText.terminalCell`).
    static func render(_ rows: [[String]], rightAligned: Set<Int>, rulesBefore: Set<Int>) -> String {
        let rows = rows.map { $0.map(SafeText.terminalCell) }
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        var out = ""
        for (index, row) in rows.enumerated() {
            if rulesBefore.contains(index) { out += rule + "\n" }
            let cells = row.enumerated().map { i, cell in
                let padding = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? padding + cell : cell + padding
            }
            out += cells.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        return out
    }
}
