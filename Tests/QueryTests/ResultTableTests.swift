import Foundation
import Load
import Query
import Testing

@Suite struct ResultTableTests {
    let table = ResultTable(
        columns: ["name", "amount", "note"],
        rows: [[.text("Ops \"core\""), .integer(12), .null], [.text("line\nbreak"), .integer(-3), .text("a,b")]])

    @Test func csvQuotesWhatNeedsQuoting() {
        #expect(table.render(.csv) == "name,amount,note\r\n\"Ops \"\"core\"\"\",12,\r\n\"line\nbreak\",-3,\"a,b\"\r\n")
    }

    @Test func jsonIsValidAndTyped() throws {
        let text = table.render(.json)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(parsed[0]["amount"] as? Int == 12)
        #expect(parsed[0]["note"] is NSNull)
        #expect(parsed[1]["name"] as? String == "line\nbreak")
    }

    @Test func jsonlIsOneObjectPerLine() {
        #expect(table.render(.jsonl).split(separator: "\n").count == 2)
    }

    @Test func tableRightAlignsNumbers() {
        let lines = table.render(.table).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("name"))
        #expect(lines[2].contains("    12") || lines[2].contains(" 12"))
    }

    @Test(arguments: [("42", SQLValue.integer(42)), ("-7", .integer(-7)), ("007", .text("007")), ("2026-10", .text("2026-10")), ("1.5", .text("1.5"))])
    func parameterValues(text: String, value: SQLValue) {
        #expect(AdHocQuery.parameterValue(text) == value)
    }
}
