import Foundation
import Query
import TestSupport
import Testing

/// One `--format` for `sql`, `status`, `invoice` and `report`: each command prints what it can and
/// refuses the rest as a wrong argument, before reading anything.
@Suite struct OutputFormatTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let format: String
        let accepted: Bool
        var testDescription: String { "\(arguments[0]) --format \(format)" }
    }

    static let cases: [Case] = [
        Case(arguments: ["sql", "SELECT 1 AS one"], format: "jsonl", accepted: true),
        Case(arguments: ["sql", "SELECT 1 AS one"], format: "html", accepted: false),
        Case(arguments: ["status"], format: "tsv", accepted: true),
        Case(arguments: ["status"], format: "markdown", accepted: false),
        Case(arguments: ["invoice", "--period", "2026-10"], format: "html", accepted: true),
        Case(arguments: ["invoice", "--period", "2026-10"], format: "tsv", accepted: false),
        Case(arguments: ["report", "credits", "--period", "2026-10"], format: "markdown", accepted: true),
        Case(arguments: ["report", "credits", "--period", "2026-10"], format: "jsonl", accepted: false),
    ]

    @Test(arguments: cases) func eachCommandPrintsItsFormatsAndRefusesTheRest(_ c: Case) throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("w.db")
        #expect(try CLI.run(["init", "--db", db]).status == 0)
        let result = try CLI.run(c.arguments + ["--format", c.format, "--db", db])
        if c.accepted {
            #expect(result.status == 0, "\(result.stderr)")
        } else {
            #expect(result.status == 64)
            #expect(result.stderr.contains("--format \(c.format): \(c.arguments[0]) prints "), "\(result.stderr)")
        }
    }

    @Test func theOneEnumListsEveryFormatEveryCommandPrints() {
        let all = Set(ResultTable.formats + Invoice.formats + Report.formats)
        #expect(all == Set(OutputFormat.allCases))
    }
}
