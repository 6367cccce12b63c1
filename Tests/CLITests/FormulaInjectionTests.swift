import Foundation
import TestSupport
import Testing

/// Issue 17, item 3: CSV for spreadsheets neutralizes formulas (OWASP), numbers untouched.
@Suite struct FormulaInjectionTests {
    @Test func spreadsheetFormulasAreNeutralizedAndNumbersKept() throws {
        let dir = try TemporaryDirectory()
        let db = try HostileExport.warehouse(dir)
        let invoice = try CLI.run(["invoice", "--db", db, "--period", "2023-09", "--group", "meter", "--format", "csv"])
        #expect(invoice.status == 0, "\(invoice.stderr)")
        let report = try CLI.run(["report", "trend", "--db", db, "--period", "2023-09", "--group", "costCenter", "--format", "csv"])
        #expect(report.status == 0, "\(report.stderr)")
        let export = try CLI.run(["export", "focus", "--db", db, "--period", "2023-09"])
        #expect(export.status == 0, "\(export.stderr)")
        for (name, text) in [("invoice", invoice.stdout), ("report", report.stdout), ("export", export.stdout)] {
            let cells = text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r\n" }).map { $0.hasPrefix("\"") ? $0.dropFirst() : $0 }
            for cell in cells {
                #expect(!["=", "+", "@"].contains(cell.first.map(String.init) ?? ""), "\(name): formula cell \(cell)")
                if cell.first == "-" { #expect(Double(cell) != nil, "\(name): '-' text cell \(cell)") }
            }
            #expect(!text.contains("\u{1B}"), "\(name): an escape sequence")
        }
        #expect(invoice.stdout.contains("'=HYPERLINK"))
        #expect(invoice.stdout.contains("-1.25"))  // a refund stays a number
    }
}
