import Foundation
import Testing
import WarehouseCore

@testable import Extract

@Suite struct JSONParserTests {
    struct Malformed: CustomTestStringConvertible, Sendable {
        let text: String
        let line: Int
        let column: Int
        let expected: String
        var testDescription: String { text.debugDescription }
    }

    static let malformed: [Malformed] = [
        Malformed(text: "{\"a\": 1", line: 1, column: 8, expected: "expected ',' or '}'"),
        Malformed(text: "{\"a\": 1}}", line: 1, column: 9, expected: "expected end of document"),
        Malformed(text: "{\n  \"a\": [1,\n  2\n", line: 4, column: 1, expected: "expected ',' or ']'"),
        Malformed(text: "{\"a\": \"x\\q\"}", line: 1, column: 10, expected: "invalid escape"),
        Malformed(text: "{\"a\": \"\\ud800\"}", line: 1, column: 8, expected: "lone high surrogate"),
        Malformed(text: "{\"a\": \"\\udc00x\"}", line: 1, column: 8, expected: "lone low surrogate"),
        Malformed(text: "[01]", line: 1, column: 3, expected: "leading zero"),
        Malformed(text: "[+1]", line: 1, column: 2, expected: "expected a value"),
        Malformed(text: "[1.]", line: 1, column: 4, expected: "expected a digit after '.'"),
        Malformed(text: "[NaN]", line: 1, column: 2, expected: "expected a value"),
        Malformed(text: "{a: 1}", line: 1, column: 2, expected: "expected a string key"),
        Malformed(text: "[\"tab\there\"]", line: 1, column: 6, expected: "control character"),
        Malformed(text: "[tru]", line: 1, column: 2, expected: "expected 'true'"),
        Malformed(text: "\"open", line: 1, column: 6, expected: "unterminated string"),
    ]

    @Test(arguments: malformed)
    func malformedIsRejectedWithPosition(_ c: Malformed) throws {
        let error = try #require(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(c.text) }
        #expect(error.line == c.line)
        #expect(error.column == c.column)
        #expect(error.message.contains(c.expected), "\(error.message)")
    }

    @Test(arguments: ["0", "-0.5", "0.0053", "2.0E-4", "5.0018196E7", "0.217790327034891", "1e+2", "123456789012345678901234567890"])
    func numbersKeepTheirText(_ number: String) throws {
        let value = try JSONParser.parse("[\(number)]")
        #expect(value == .array([.number(number)]))
        #expect(value.serialized == "[\(number)]")
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"{"s": "a\"b\\c\/d\n\u00e9\ud83d\ude00–"}"#)
        #expect(value == .object(JSONObject([.init(key: "s", value: .string("a\"b\\c/d\né😀–"))])))
    }

    @Test func invalidUTF8IsRejected() throws {
        let bytes: [UInt8] = Array("[\"a".utf8) + [0xC3, 0x28] + Array("\"]".utf8)
        let error = try #require(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(bytes) }
        #expect(error.message.contains("invalid UTF-8"))
    }

    @Test func deepNestingIsRejected() throws {
        let text = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let error = try #require(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
        #expect(error.message.contains("nesting"))
    }

    @Test func serializationRoundTrips() throws {
        let text = #"{"a":[1,2.50,{"b":null,"c":true,"d":"x\ny"}],"e":-3E-2}"#
        #expect(try JSONParser.parse(text).serialized == text)
    }

    @Test func duplicateKeysLookUpTheLast() throws {
        guard case .object(let object) = try JSONParser.parse(#"{"k": 1, "k": 2}"#) else {
            Issue.record("not an object")
            return
        }
        #expect(object["k"] == .number("2"))
        #expect(object.members.count == 2)
    }
}
