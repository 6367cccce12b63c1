import Foundation
import Testing
import WarehouseCore

@testable import Extract

@Suite struct CSVTests {
    @Test func rfc4180QuotingAndLineEndings() throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nlast,,\"\"\n"
        let table = try CSVTable.parse(text, file: "t.csv")
        #expect(table.records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\r\nlines"], ["last", "", ""]])
        #expect(table.records.map(\.line) == [1, 2, 4])
    }

    @Test func unterminatedQuoteNamesItsLine() throws {
        let error = try #require(throws: DocumentError.self) { try CSVTable.parse("a,b\n1,\"open\n2,3\n", file: "t.csv") }
        #expect(error.description == "t.csv: line 2: unterminated quoted field, expected '\"'")
    }

    @Test func eaExport() throws {
        let export = try CostExport.decode(try Fixture.data("cost-export-ea.csv"), file: "ea.csv")
        #expect(export.rows.count == 3)
        let row = export.rows[0]
        #expect(row.date.iso8601 == "2026-10-02T00:00:00Z")
        #expect(row.cost == ExactDecimal.parse("0.00287"))
        #expect(row.currency == "USD")
        #expect(row.resourceGroup == "DNS-Prod")
        #expect(row.meterName == "Standard IO – Page Blob/Disk (GB)")
        #expect(row.tags["costCenter"] == .string("Networking"))
        #expect(export.rows[2].tags.members.isEmpty)
    }

    @Test func mcaExportLowerCamelCase() throws {
        let export = try CostExport.decode(try Fixture.data("cost-export-mca.csv"), file: "mca.csv")
        #expect(export.rows.count == 1)
        let row = export.rows[0]
        #expect(row.date.iso8601 == "2026-10-05T00:00:00Z")
        #expect(row.cost == ExactDecimal.parse("0.8"))
        #expect(row.currency == "EUR")
        #expect(row.resourceGroup == "Demo")
        #expect(row.tags["CostCenter"] == .string("Ops"))
        #expect(row.tags["note"] == .string("say \"hi\""))
        #expect(row.meterName == "Compute\r\nHours, D1")
    }

    struct Header: Sendable, CustomTestStringConvertible {
        let header: String
        var testDescription: String { header }
    }

    @Test(arguments: [
        Header(header: "Date,SubscriptionId,Quantity,Cost,BillingCurrency"),
        Header(header: "date,subscriptionId,quantity,costInBillingCurrency,billingCurrency"),
        Header(header: "DATE,SUBSCRIPTIONGUID,USAGE_QUANTITY,PRE_TAX_COST,CURRENCY"),
        Header(header: "UsageDateTime,Subscription Id,Quantity,PreTaxCost,Billing Currency Code"),
    ])
    func costColumnsMatchIgnoringCaseAndAliases(_ c: Header) throws {
        let text = c.header + "\n2026-10-01,ABC,2,0.5,usd\n"
        let export = try CostExport.decode(Data(text.utf8), file: "h.csv")
        #expect(export.rows.first?.quantity == 2)
        #expect(export.rows.first?.cost == ExactDecimal.parse("0.5"))
        #expect(export.rows.first?.currency == "USD")
    }

    @Test func exportWithoutAHeaderIsRejected() throws {
        let error = try #require(throws: DocumentError.self) { try CostExport.decode(try Fixture.data("no-header.csv"), file: "no-header.csv") }
        #expect(error.description.hasPrefix("no-header.csv: line 1: expected a cost export header with a 'Date' column"))
    }

    @Test func badNumberInExportNamesTheLine() throws {
        let text = "Date,SubscriptionId,Quantity,Cost,BillingCurrency\n10/01/2026,s,2,0.5,USD\n10/02/2026,s,two,0.5,USD\n"
        let error = try #require(throws: DocumentError.self) { try CostExport.decode(Data(text.utf8), file: "n.csv") }
        #expect(error.description == "n.csv: line 3: expected a number in Quantity, found 'two'")
    }

    @Test func creditsReportWideWithPreambleAndBOM() throws {
        let report = try CreditsReport.decode(try Fixture.data("credits-report.csv"), file: "credits-report.csv")
        #expect(report.headerLine == 5)
        // jdoe: 3 services, asmith: 3 (a blank cell reads as 0); the Total row and column are skipped.
        #expect(report.rows.count == 6)
        #expect(report.rows.map(\.service) == ["Geocoding", "Spatial Analysis", "Feature Storage", "Geocoding", "Spatial Analysis", "Feature Storage"])
        #expect(report.rows[2].credits == ExactDecimal.parse("2.048"))
        #expect(report.rows[0].start?.iso8601 == "2026-10-01T00:00:00Z")
        #expect(report.rows[4].credits == 0)
    }

    @Test func creditsReportLongForm() throws {
        let report = try CreditsReport.decode(try Fixture.data("credits-report-long.csv"), file: "long.csv")
        #expect(report.headerLine == 4)
        #expect(report.rows.map(\.service) == ["geocode", "spanalysis"])
        #expect(report.rows.map(\.etype) == ["geocodecnt", "svcusg"])
        #expect(report.rows[0].credits == ExactDecimal.parse("1200.5"))
        #expect(report.rows[1].credits == ExactDecimal.parse("0.0002"))
        #expect(report.rows[0].start == nil)
    }

    struct Preamble: Sendable, CustomTestStringConvertible {
        let name: String
        let lines: [String]
        var testDescription: String { name }
    }

    @Test(arguments: [
        Preamble(name: "none", lines: []),
        Preamble(name: "title only", lines: ["Credits report"]),
        Preamble(name: "key-value lines", lines: ["Org,Contoso", "Start,2026-10-01", "End,2026-10-31", ""]),
        Preamble(name: "a numeric line", lines: ["Report,2026", "Users,2"]),
        Preamble(name: "a line mentioning users", lines: ["User activity,for,October"]),
    ])
    func creditsHeaderIsFoundAfterAnyPreamble(_ c: Preamble) throws {
        let text = (c.lines + ["Username,Geocoding,Total", "jdoe,4,4", "asmith,1.5,1.5"]).joined(separator: "\n")
        let report = try CreditsReport.decode(Data(text.utf8), file: "p.csv")
        #expect(report.rows.map(\.username) == ["jdoe", "asmith"])
        #expect(report.rows.map(\.service) == ["Geocoding", "Geocoding"])
        #expect(report.headerLine == c.lines.count + 1)
    }

    @Test func creditsCSVWithoutHeaderIsRejected() throws {
        let error = try #require(throws: DocumentError.self) { try CreditsReport.decode(try Fixture.data("no-header.csv"), file: "no-header.csv") }
        #expect(error.description.hasPrefix("no-header.csv: no header row found"))
    }
}
