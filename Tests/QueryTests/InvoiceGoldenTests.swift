import Foundation
import Load
import Query
import Testing

/// Each format's exact output for the fixture, pinned in `Golden/`. After a deliberate change, run
/// with WAREHOUSE_UPDATE_GOLDEN=1 to rewrite the files, and review the diff.
@Suite struct InvoiceGoldenTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var format: OutputFormat
        var grouping: InvoiceGrouping = .costCenter
        var tiers = false
        var testDescription: String { file }
    }

    @Test(arguments: [
        Case(file: "invoice.txt", format: .table),
        Case(file: "invoice-tiers.txt", format: .table, tiers: true),
        Case(file: "invoice.csv", format: .csv),
        Case(file: "invoice.json", format: .json),
        Case(file: "invoice-tiers.json", format: .json, tiers: true),
        Case(file: "invoice-customer.json", format: .json, grouping: .customer),
        Case(file: "invoice.md", format: .markdown, tiers: true),
        Case(file: "invoice.html", format: .html, tiers: true),
    ])
    func outputIsPinned(_ c: Case) throws {
        let w = try TemporaryWarehouse()
        let text = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10", grouping: c.grouping, tiers: c.tiers)).render(c.format)
        if ProcessInfo.processInfo.environment["WAREHOUSE_UPDATE_GOLDEN"] == "1" {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Golden/\(c.file)")
            try Data(text.utf8).write(to: source)
        }
        let url = try #require(Bundle.module.url(forResource: c.file, withExtension: nil, subdirectory: "Golden"))
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(text == golden)
    }

    @Test func htmlIsSelfContainedAndComplete() throws {
        let w = try TemporaryWarehouse()
        let invoice = try InvoiceBuilder(db: w.db).build(InvoiceRequest(period: "2026-10", tiers: true))
        let html = invoice.render(.html)
        for external in ["http:", "https:", "//", "@import", "url(", "<script", "<link", "<img", "<iframe"] {
            #expect(!html.lowercased().contains(external), "references \(external)")
        }
        #expect(html.firstMatch(of: /src\s*=/) == nil)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@media print"))
        // Balanced structure.
        for tag in ["html", "head", "body", "style", "table", "tbody", "thead", "tfoot", "svg", "section", "tr"] {
            let opens = html.components(separatedBy: "<\(tag)>").count + html.components(separatedBy: "<\(tag) ").count - 2
            #expect(opens == html.components(separatedBy: "</\(tag)>").count - 1, "<\(tag)> unbalanced")
        }
        // Every group, subtotal and total, and one bar per group.
        for currencyInvoice in invoice.invoices {
            #expect(html.contains("Total \(currencyInvoice.currency) \(CentRounding.format(cents: currencyInvoice.totalCents))"))
            for group in currencyInvoice.groups {
                #expect(html.contains("Subtotal \(group.key)</td><td class=\"num\">\(CentRounding.format(cents: group.subtotalCents))"))
            }
        }
        #expect(html.components(separatedBy: "<rect ").count - 1 == invoice.invoices.map(\.groups.count).reduce(0, +))
        #expect(html.contains("Unpriced usage"))
        #expect(html.contains(FixtureWarehouse.mystery))
    }
}
