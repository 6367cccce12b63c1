import Foundation
import Load
import Marts
import TestSupport
import Testing

/// `warehouse invoice`, `report` and `export focus` end to end, on a small priced warehouse.
@Suite struct InvoiceCommandTests {
    /// A warehouse with two priced VM rows (Planning 1.25 + Unassigned 0.50 USD) and one unpriced row.
    final class Priced {
        let directory: TemporaryDirectory
        let db: String
        init() throws {
            directory = try TemporaryDirectory()
            db = directory.path("w.db")
            let database = try Database.openWarehouse(path: db)
            try database.execute("""
                INSERT INTO cost_centers VALUES ('planning', 'Planning'), ('unassigned', 'Unassigned');
                INSERT INTO meters (source, meter_id, name, unit) VALUES ('csp', 'vm', 'VM hours', 'Hours'), ('csp', 'odd', 'Odd meter', 'Units');
                INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity) VALUES
                  (1, 'csp', 'sub-1', 'r1', 'vm', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', '12.5'),
                  (2, 'csp', 'sub-1', 'r2', 'vm', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', '5'),
                  (3, 'csp', 'sub-1', 'r3', 'odd', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', '7');
                INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) VALUES (1, '2026-10', 'planning', 1250000, 'USD'), (2, '2026-10', 'unassigned', 500000, 'USD'),
                  (3, '2026-10', 'unassigned', NULL, NULL);
                """)
            // The charges bypass the Repricer: their invoice rollup is built as it would write it.
            try InvoiceRollup.rebuild(database, periods: ["2026-10"])
        }
    }

    @Test func aRollupOutOfStepIsReadFromTheChargesWithAWarning() throws {
        let w = try Priced()
        let fast = try CLI.run(["invoice", "--db", w.db, "--period", "2026-10", "--format", "csv"])
        _ = try Database.openWarehouse(path: w.db).run("DELETE FROM invoice_rollup WHERE cost_center_key = 'planning'")
        let slow = try CLI.run(["invoice", "--db", w.db, "--period", "2026-10", "--format", "csv"])
        #expect(slow.status == 0, "\(slow.stderr)")
        #expect(slow.stdout == fast.stdout)
        #expect(!fast.stderr.contains("rollup"))
        #expect(slow.stderr.contains("warehouse: warning: the invoice rollup of 2026-10 does not match its charges"))
    }

    @Test func jsonWhenPipedWithAWarningForUnpricedUsage() throws {
        let w = try Priced()
        let result = try CLI.run(["invoice", "--db", w.db, "--period", "2026-10"])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(parsed["total"] as? String == "1.75")
        #expect(parsed["currency"] as? String == "USD")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("warehouse: warning: 1 usage record(s) of 1 meter(s)") == true)
    }

    @Test(arguments: ["table", "csv", "markdown", "html"])
    func everyFormatShowsTheTotal(format: String) throws {
        let w = try Priced()
        let result = try CLI.run(["invoice", "--db", w.db, "--period", "2026-10", "--format", format, "--group", "costCenter", "--tiers"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(format == "csv" ? "Planning,csp,vm,VM hours,12.5,Hours,0.1,1.25,USD" : "1.75"))
        #expect(result.stdout.contains("Planning"))
        #expect(result.stdout.contains("odd"))
    }

    @Test func outputFileGetsTheInvoiceAndStdoutStaysEmpty() throws {
        let w = try Priced()
        let file = w.directory.path("october.html")
        let result = try CLI.run(["invoice", "--db", w.db, "--period", "2026-10", "--output", file])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.hasPrefix("<!DOCTYPE html>"), "format follows the file's extension")
        #expect(written.contains("1.75"))
    }

    @Test(arguments: [["--period", "2026-13"], ["--period", "2026-10", "--group", "planet"], ["--period", "2026-10", "--format", "pdf"]])
    func badArgumentsFailWithOneLine(arguments: [String]) throws {
        let w = try Priced()
        let result = try CLI.run(["invoice", "--db", w.db] + arguments)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test func reportAndExportRun() throws {
        let w = try Priced()
        let trend = try CLI.run(["report", "trend", "--db", w.db, "--period", "2026-09..2026-10", "--format", "csv"])
        #expect(trend.status == 0, "\(trend.stderr)")
        #expect(trend.stdout.contains("Planning,USD,2026-10,1.25,1.25,"))
        let bad = try CLI.run(["report", "credits", "--db", w.db, "--period", "2026-10..2026-01"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("invalid period"))
        let file = w.directory.path("focus.csv")
        let export = try CLI.run(["export", "focus", "--db", w.db, "--period", "2026-10", "--output", file])
        #expect(export.status == 0)
        let csv = try String(contentsOfFile: file, encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 3)
        #expect(csv.hasPrefix("AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingAccountType,"))  // FOCUS 1.2
        #expect(export.stderr.contains("1 unpriced usage record(s)"))
    }

    @Test func helpListsTheNewCommands() throws {
        let help = try CLI.run(["--help"])
        for command in ["report", "export"] { #expect(help.stdout.contains("  \(command)")) }
    }

    /// Through the real pipeline: `warehouse import` of a tiered rate card and a month of usage, priced
    /// by the Repricer, then the invoice with its bands (250 h: 200 x 1.00 + 50 x 0.90 = 245.00).
    @Test func importedTieredMonthInvoicesWithItsBands() throws {
        let dir = try TemporaryDirectory()
        let db = try PricedImportTests().importBoth(dir)
        let result = try CLI.run(["invoice", "--db", db, "--period", "2026-10", "--tiers", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: 1 usage record(s) of 1 meter(s)"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(parsed["total"] as? String == "245.00")
        let groups = try #require(parsed["groups"] as? [[String: Any]])
        #expect(groups.map { $0["subtotal"] as? String } == ["196.00", "49.00"])
        let ops = try #require((groups.first?["lines"] as? [[String: Any]])?.first)
        #expect(ops["quantity"] as? String == "200")
        let tiers = try #require(ops["tiers"] as? [[String: Any]])
        // Ops holds 200 of the scope's 250 hours: 4/5 of each band.
        #expect(tiers.map { $0["quantity"] as? String } == ["160", "40"])
        #expect(tiers.map { $0["unit_price"] as? String } == ["1", "0.9"])
        #expect(tiers.map { $0["amount"] as? String } == ["160.00", "36.00"])
    }
}
