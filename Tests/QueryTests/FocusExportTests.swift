import Foundation
import Load
import Query
import Testing

@Suite struct FocusExportTests {
    /// The export of the fixture's October, parsed back into header and rows (no field of it holds a
    /// quoted comma except Tags, which this splitter keeps whole).
    func exported(_ w: TemporaryWarehouse) throws -> (FocusExport.Result, [String], [[String]]) {
        let result = try FocusExport(db: w.db).csv(period: "2026-10")
        let lines = result.text.split(separator: "\r\n").map(String.init)
        let header = try #require(lines.first).split(separator: ",").map(String.init)
        return (result, header, lines.dropFirst().map(CSVLine.fields))
    }

    @Test func oneRowPerPricedChargeWithMandatoryColumns() throws {
        let w = try TemporaryWarehouse()
        let (result, header, rows) = try exported(w)
        #expect(result.rows == 11)
        #expect(result.unpricedRecords == 2)
        #expect(rows.count == 11)
        for column in [
            "BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd", "ChargeCategory",
            "ChargePeriodStart", "ChargePeriodEnd", "EffectiveCost", "ListCost", "ContractedCost", "InvoiceIssuerName",
            "ProviderName", "PublisherName", "ServiceCategory", "ServiceName", "Tags", "ChargeClass", "ChargeDescription",
            "PricingQuantity", "PricingUnit", "BillingAccountName",
        ] { #expect(header.contains(column), "missing \(column)") }
        func column(_ name: String) -> [String] {
            guard let index = header.firstIndex(of: name) else { return [] }
            return rows.map { $0[index] }
        }
        // Billed cost adds up, per currency, to the exact micros of invoice_lines.
        for currency in ["USD", "EUR"] {
            let sum = zip(column("BilledCost"), column("BillingCurrency")).filter { $0.1 == currency }
                .compactMap { Decimal(string: $0.0) }.reduce(0, +)
            let micros = try #require(try w.db.scalar("SELECT sum(amount_micros) FROM invoice_lines WHERE period = '2026-10' AND currency = ?", currency)?.int64)
            #expect(sum * 1_000_000 == Decimal(micros))
        }
        let utc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
        for name in ["ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"] {
            #expect(column(name).allSatisfy { $0.wholeMatch(of: utc) != nil }, "\(name)")
        }
        #expect(Set(column("BillingPeriodStart")) == ["2026-10-01T00:00:00Z"])
        #expect(Set(column("BillingPeriodEnd")) == ["2026-11-01T00:00:00Z"])
        #expect(column("ChargeClass").filter { $0 == "Correction" }.count == 1)
        for tags in column("Tags") {
            let object = try JSONSerialization.jsonObject(with: Data(tags.utf8))
            #expect(object is [String: Any])
        }
        #expect(column("Tags").contains(#"{"costCenter":"Planning","env":"prod"}"#))
    }

    /// The FinOps Foundation's validator, run on the export: every rule of FOCUS 1.0 must pass.
    /// `make test` installs it (scripts/test-requirements.txt); without it this test fails.
    @Test func passesTheFocusValidator() throws {
        let w = try TemporaryWarehouse()
        let (result, _, _) = try exported(w)
        let csv = w.directory.appending(path: "focus.csv")
        let report = w.directory.appending(path: "report.xml")
        try Data(result.text.utf8).write(to: csv)
        // The validator reads its currency list relative to the working directory: run it from
        // the directory that holds the `focus_validator` package.
        let located = try Shell.run(["python3", "-c", "import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))"])
        try #require(located.status == 0, "focus-validator is not installed (pip install -r scripts/test-requirements.txt): \(located.stderr)")
        let packages = located.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try Shell.run(
            ["python3", "-c", "from focus_validator.main import main; main()", "--data-file", csv.path, "--validate-version", "1.0",
             "--output-type", "unittest", "--output-destination", report.path],
            directory: URL(fileURLWithPath: packages))
        try #require(run.status == 0, "validator crashed: \(run.stderr.suffix(2000))")
        let xml = try String(contentsOf: report, encoding: .utf8)
        let failures = ValidatorReport.failures(xml)
        #expect(failures.isEmpty, "failed FOCUS rules: \(failures)")
        // It really checked: the report lists the 1.0 rules.
        #expect(ValidatorReport.testCount(xml) >= 100)
    }
}

/// Splits one CSV line (RFC 4180 quoting).
enum CSVLine {
    static func fields(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { fields.append(current); current = "" } else { current.append(c) }
        }
        fields.append(current)
        return fields
    }
}

/// The JUnit XML the validator writes with `--output-type unittest`.
enum ValidatorReport {
    /// Names of the test cases that hold a <failure> or <error>.
    static func failures(_ xml: String) -> [String] {
        var names: [String] = []
        for chunk in xml.components(separatedBy: "<testcase").dropFirst() {
            let body = chunk.components(separatedBy: "</testcase>").first ?? chunk
            if body.contains("<failure") || body.contains("<error") {
                let name = body.firstMatch(of: /name="([^"]*)"/).map { String($0.1) } ?? "?"
                names.append(name)
            }
        }
        return names
    }

    static func testCount(_ xml: String) -> Int {
        xml.components(separatedBy: "<testcase").count - 1
    }
}

/// Runs a program found on PATH and captures its output.
enum Shell {
    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String], directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
