import Foundation
import Testing
import WarehouseCore

@testable import Extract

@Suite struct DocumentReaderTests {
    @Test func gzipAndPlainDecodeTheSame() throws {
        let plain = try PartnerCenterRateCard.decode(try Fixture.data("GetAzureRateCard.json"), file: "a")
        let gzipped = try Fixture.data("GetAzureRateCard.json.gz")
        #expect(Zlib.isGzip(gzipped))
        #expect(try PartnerCenterRateCard.decode(gzipped, file: "a.gz") == plain)
    }

    struct BOMCase: Sendable, CustomTestStringConvertible {
        let name: String
        let prefix: [UInt8]
        var testDescription: String { name }
    }

    @Test(arguments: [BOMCase(name: "no BOM", prefix: []), BOMCase(name: "UTF-8 BOM", prefix: [0xEF, 0xBB, 0xBF])])
    func byteOrderMarkIsOptional(_ c: BOMCase) throws {
        let body = Data(c.prefix + Array(#"{"currency":"USD","meters":[]}"#.utf8))
        #expect(try PartnerCenterRateCard.decode(body, file: "x").currency == "USD")
        #expect(try PartnerCenterRateCard.decode(try Zlib.deflate(body, gzip: true), file: "x").currency == "USD")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let message: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "truncated", body: "{\n  \"totalCount\": 1,\n  \"items\": [\n    {\"id\": 1", message: "x.json: line 4, column 13: expected ',' or '}', found end of input"),
        Bad(name: "missing comma", body: "{\"items\": [] \"links\": {}}", message: "x.json: line 1, column 14: expected ',' or '}', found '\"'"),
        Bad(name: "trailing garbage", body: "{\"items\": []} x", message: "x.json: line 1, column 15: expected end of document, found 'x'"),
        Bad(name: "empty", body: "  \n", message: "x.json: empty document, expected JSON"),
        Bad(name: "wrong shape", body: "{\"value\": []}", message: "x.json: items: missing 'items'"),
        Bad(name: "bad record", body: "{\"items\": [{\"id\": \"a\"}, {\"id\": 7}]}", message: "x.json: items[1].id: expected a string, found a number"),
    ]

    @Test(arguments: bad)
    func malformedDocumentsNameFileAndPosition(_ c: Bad) throws {
        let error = try #require(throws: DocumentError.self) { try PartnerCenterCustomersPage.decode(Data(c.body.utf8), file: "x.json") }
        #expect(error.description == c.message)
    }

    @Test func truncatedSampleIsRejected() throws {
        let error = try #require(throws: DocumentError.self) {
            try PartnerCenterUtilizationPage.decode(try Fixture.data("truncated-utilization.json"), file: "truncated-utilization.json")
        }
        #expect(error.file == "truncated-utilization.json")
        #expect(error.position?.hasPrefix("line ") == true)
    }

    @Test func corruptGzipIsAnError() throws {
        var data = try Fixture.data("GetAzureRateCard.json.gz")
        data = data.prefix(data.count / 2)
        let error = try #require(throws: DocumentError.self) { try PartnerCenterRateCard.decode(data, file: "r.gz") }
        #expect(error.description.hasPrefix("r.gz: cannot decompress gzip"))
    }

    struct Quantity: Sendable, CustomTestStringConvertible {
        let json: String
        let canonical: String
        var testDescription: String { json }
    }

    @Test(arguments: [
        Quantity(json: "2.0E-4", canonical: "0.0002"), Quantity(json: "\"2.0E-4\"", canonical: "0.0002"),
        Quantity(json: "5.0018196E7", canonical: "50018196"), Quantity(json: "0.217790327034891", canonical: "0.217790327034891"),
        Quantity(json: "-1.50", canonical: "-1.5"), Quantity(json: "1e3", canonical: "1000"),
    ])
    func quantitiesAreExact(_ c: Quantity) throws {
        let body = #"{"items":[{"usageStartTime":"2026-10-01T00:00:00Z","usageEndTime":"2026-10-02T00:00:00Z","resource":{"id":"m"},"quantity":\#(c.json)}]}"#
        let page = try PartnerCenterUtilizationPage.decode(Data(body.utf8), file: "q.json")
        #expect(ExactDecimal.format(page.items[0].quantity) == c.canonical)
    }

    @Test(arguments: ["1e999999", "\"1e-999999x\"", "\"\"", "true"])
    func quantitiesOutOfRangeOrNotNumbersAreRejected(_ json: String) throws {
        let body = #"{"items":[{"usageStartTime":"2026-10-01T00:00:00Z","usageEndTime":"2026-10-02T00:00:00Z","resource":{"id":"m"},"quantity":\#(json)}]}"#
        let error = try #require(throws: DocumentError.self) { try PartnerCenterUtilizationPage.decode(Data(body.utf8), file: "q.json") }
        #expect(error.description.hasPrefix("q.json: items[0].quantity: expected a number"))
    }

    @Test func nonNumericThresholdIsRejected() throws {
        let body = #"{"currency":"USD","meters":[{"id":"m","rates":{"zero":1},"effectiveDate":"2017-01-01T00:00:00Z"}]}"#
        let error = try #require(throws: DocumentError.self) { try PartnerCenterRateCard.decode(Data(body.utf8), file: "r.json") }
        #expect(error.description == "r.json: meters[0].rates.zero: expected a numeric threshold as the key, found 'zero'")
    }
}

/// Issue 17: the gzip limit and the UTF-8 offset as the reader reports them, naming the file.
@Suite struct DocumentReaderLimitTests {
    @Test func aGzipBombIsADocumentErrorNamingTheFile() throws {
        let member = try Zlib.deflate(Data(count: 64 << 20), level: 9, gzip: true)
        let bomb = Data((0..<5).flatMap { _ in member })
        #expect(throws: DocumentError(file: "bomb.json.gz", message: ZlibError.tooLarge(256 << 20).description)) {
            try DocumentReader.json(bomb, file: "bomb.json.gz")
        }
    }

    @Test func invalidUTF8IsReportedAtItsByteOffset() throws {
        let bytes = Data("a,b\nc,d".utf8) + Data([0xC3, 0x28]) + Data("\n".utf8)
        #expect(throws: DocumentError(file: "f.csv", message: "not UTF-8 text: invalid byte at offset 7")) {
            try DocumentReader.text(bytes, file: "f.csv")
        }
        let json = Data("{\"a\": \"xy".utf8) + Data([0xFF]) + Data("\"}".utf8)
        do {
            _ = try DocumentReader.json(json, file: "f.json")
        } catch let error as DocumentError {
            #expect(error.message.hasPrefix("invalid UTF-8 in a string at byte offset 9"), "\(error)")
        }
    }

    @Test func longMessagesAreClipped() {
        let error = DocumentError(file: "f", message: "expected a number, found '\(String(repeating: "9", count: 100_000))'")
        #expect(error.description.count < 400)
        #expect(error.description.hasSuffix("more characters)"))
    }
}

/// Issue 17, items 5 and 7: bounded numbers and a bounded number of credit columns, named by line.
@Suite struct ImportBoundsTests {
    @Test(arguments: [(1_000, true), (1_001, false)])
    func creditsColumnsAreBounded(columns: Int, accepted: Bool) throws {
        let header = "Username," + (0..<columns).map { "2026-01-\($0)" }.joined(separator: ",")
        let row = "alice," + Array(repeating: "1", count: columns).joined(separator: ",")
        let data = Data((header + "\n" + row + "\n").utf8)
        if accepted {
            #expect(try CreditsReport.decode(data, file: "c.csv").rows.count == columns)
        } else {
            #expect(throws: DocumentError(file: "c.csv", position: "line 1", message: "1001 credits columns; a report has at most 1000 (one per service type or day)")) {
                try CreditsReport.decode(data, file: "c.csv")
            }
        }
    }

    @Test(arguments: ["1000000000", "-1000000000", "999999999.999999"])
    func amountsWithinTheBoundAreKept(cost: String) throws {
        let csv = "SubscriptionId,Date,Quantity,Cost,BillingCurrency\ns1,2026-01-02,1,\(cost),USD\n"
        #expect(try CostExport.decode(Data(csv.utf8), file: "e.csv").rows.first?.cost == ExactDecimal.parse(cost))
    }

    @Test(arguments: ["1000000000.01", "99999999999999999999999999", "-5000000000000"])
    func amountsPastTheBoundAreAnErrorNamingTheLine(cost: String) throws {
        let csv = "SubscriptionId,Date,Quantity,Cost,BillingCurrency\ns1,2026-01-02,1,\(cost),USD\n"
        #expect(throws: DocumentError(file: "e.csv", position: "line 2", message: "Cost \(cost) is out of range: at most ±1,000,000,000 per row")) {
            try CostExport.decode(Data(csv.utf8), file: "e.csv")
        }
    }
}
