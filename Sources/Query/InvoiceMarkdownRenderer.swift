import Foundation

/// `--format markdown`: headings and pipe tables (GitHub-flavoured), one section per currency.
struct InvoiceMarkdownRenderer {
    let invoice: Invoice

    func render() -> String {
        var out = "# Invoice \(invoice.period)\n\nGrouped by \(invoice.grouping.rawValue). Sources: \(cell(invoice.sourcesText)).\n"
        if invoice.invoices.isEmpty { out += "\nNo priced usage in \(invoice.period).\n" }
        for currencyInvoice in invoice.invoices {
            out += "\n## \(cell(currencyInvoice.currency)): total \(currencyInvoice.totalText)\n"
            for group in currencyInvoice.groups {
                out += "\n### \(cell(group.key)): \(group.subtotalText) \(currencyInvoice.currency)\n\n"
                out += "| meter | meter id | quantity | unit | unit price | amount |\n|---|---|---:|---|---:|---:|\n"
                for line in group.lines {
                    out += row([line.meterName, line.meterID, line.quantityText, line.unit ?? "", line.unitPriceDisplay, line.amountText])
                    for tier in line.tiers {
                        let rest = ["", tier.quantityText, tier.isDiscount ? "" : line.unit ?? "", tier.unitPriceText, tier.amountText]
                        out += "| &nbsp;&nbsp;" + cell(tier.label) + " | " + rest.map(cell).joined(separator: " | ") + " |\n"
                    }
                }
                out += "| **subtotal** | " + ["", "", "", ""].joined(separator: " | ") + " | **" + cell(group.subtotalText) + "** |\n"
            }
            out += "\n**Total \(currencyInvoice.currency): \(currencyInvoice.totalText)**\n"
        }
        if !invoice.unpriced.isEmpty {
            out += "\n## Unpriced usage\n\nNo rate prices these; they are not in the totals.\n\n"
            out += "| group | meter | meter id | source | quantity | unit | records |\n|---|---|---|---|---:|---|---:|\n"
            for line in invoice.unpriced {
                out += row([line.group, line.meterName, line.meterID, line.source, line.quantityText, line.unit ?? "", String(line.records)])
            }
        }
        return out
    }

    func row(_ cells: [String]) -> String { "| " + cells.map(cell).joined(separator: " | ") + " |\n" }

    /// HTML escaped (a name like `<img src=x onerror=…>` is shown, not run), without control
    /// characters or line breaks, `\\` and `|` escaped for the table.
    func cell(_ text: String) -> String {
        SafeText.html(SafeText.terminalCell(text)).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
    }
}
