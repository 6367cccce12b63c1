import Foundation
import Load

/// `--format csv`: one row per invoice line (RFC 4180, CRLF), unpriced lines last with empty
/// price, amount and currency. Tier rows are not in the CSV (JSON carries them). Text cells are
/// neutralized against formula injection (`SafeText.spreadsheetCell`).
struct InvoiceCSVRenderer {
    let invoice: Invoice

    func render() -> String {
        var rows: [[SQLValue]] = []
        for currencyInvoice in invoice.invoices {
            for group in currencyInvoice.groups {
                for line in group.lines {
                    rows.append([
                        .text(invoice.period), .text(group.key), .text(line.source), .text(line.meterID), .text(line.meterName),
                        .text(line.quantityText), line.unit.map(SQLValue.text) ?? .null, .text(line.unitPriceText),
                        .text(line.amountText), .text(currencyInvoice.currency),
                    ])
                }
            }
        }
        for line in invoice.unpriced {
            rows.append([
                .text(invoice.period), .text(line.group), .text(line.source), .text(line.meterID), .text(line.meterName),
                .text(line.quantityText), line.unit.map(SQLValue.text) ?? .null, .null, .null, .null,
            ])
        }
        let columns = ["period", "group", "source", "meter_id", "meter", "quantity", "unit", "unit_price", "amount", "currency"]
        return ResultTable(columns: columns, rows: rows).renderSpreadsheetCSV()
    }
}
