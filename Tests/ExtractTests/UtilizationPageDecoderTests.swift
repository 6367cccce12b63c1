import Foundation
import Testing
import WarehouseCore

@testable import Extract

/// The fast utilization decoder agrees with the general path and with Foundation on every
/// captured sample (issue 9).
@Suite struct UtilizationPageDecoderTests {
    static let utilizationSamples = ["GetAzureUtilization.json", "GetUtilizationRecords.json"]
    static let allJSONFixtures = [
        "GetAzureRateCard.json", "GetAzureRateCard.json.gz", "GetAzureUtilization.json", "GetCustomerSubscription.json",
        "GetUtilizationRecords.json", "RateCard-spec-example.json", "UsageAggregates-spec-example.json", "agol-error-498.json",
        "agol-error-string-details.json", "customers-page.json", "items-page.json", "portals-self.json", "ratecard-tiered.json",
        "truncated-utilization.json", "usage-aggregates-instancedata.json", "usage-docstring-example.json", "users-page.json",
    ]

    /// The general path's result, as a value or an error text, for comparison.
    static func general(_ data: Data) -> Result<PartnerCenterUtilizationPage, DocumentError> {
        outcome { try PartnerCenterUtilizationPage.decode(data, file: "f.json") }
    }

    static func fast(_ data: Data) -> Result<PartnerCenterUtilizationPage, DocumentError> {
        outcome { try UtilizationPageDecoder.decode(data, file: "f.json") }
    }

    static func outcome(_ decode: () throws -> PartnerCenterUtilizationPage) -> Result<PartnerCenterUtilizationPage, DocumentError> {
        do {
            return .success(try decode())
        } catch let error as DocumentError {
            return .failure(error)
        } catch {
            return .failure(DocumentError(message: "\(error)"))
        }
    }

    @Test("same page or same error as the general path", arguments: allJSONFixtures)
    func agreesWithTheGeneralPath(name: String) throws {
        let data = try Fixture.data(name)
        #expect(Self.fast(data) == Self.general(data))
    }

    @Test("the fast lane itself reads the real captures", arguments: utilizationSamples)
    func fastLaneTakesTheSamples(name: String) throws {
        let data = try Fixture.data(name)
        let page = try #require(UtilizationPageDecoder.fastDecode(data))
        #expect(page == (try PartnerCenterUtilizationPage.decode(data, file: name)))
        #expect(!page.items.isEmpty)
    }

    @Test("records read as Foundation's JSONSerialization reads them", arguments: utilizationSamples)
    func agreesWithFoundation(name: String) throws {
        let data = try Fixture.data(name)
        let page = try #require(UtilizationPageDecoder.fastDecode(data))
        let root = try #require(try FoundationReading.object(data) as? [String: Any])
        try FoundationReading.expectSame(page, root)
    }

    @Test func gzipAndAByteOrderMarkAreSeenThrough() throws {
        let plain = try Fixture.data("GetUtilizationRecords.json")
        let page = try #require(UtilizationPageDecoder.fastDecode(plain))
        #expect(UtilizationPageDecoder.fastDecode(try Zlib.deflate(Data([0xEF, 0xBB, 0xBF]) + plain, gzip: true)) == page)
    }

    @Test("declines what it is not sure of, and the general path decides", arguments: [
        ("a key given twice", #"{"items":[],"items":[]}"#, true),
        ("an escape in a string", #"{"items":[],"x":"a\"b"}"#, true),
        ("trailing content", #"{"items":[]} x"#, false),
        ("a trailing comma", #"{"items":[],}"#, false),
        ("a quantity that is null", #"{"items":[{"usageStartTime":"2020-01-01T00:00:00Z","usageEndTime":"2020-01-02T00:00:00Z","resource":{"id":"m"},"quantity":null}]}"#, false),
    ])
    func declines(name: String, json: String, generalAccepts: Bool) throws {
        let data = Data(json.utf8)
        #expect(UtilizationPageDecoder.fastDecode(data) == nil)
        let general = Self.general(data)
        #expect(Self.fast(data) == general)
        #expect(((try? general.get()) != nil) == generalAccepts)
    }

    /// `scripts/fuzz.sh`, seed 2 round 31838: the documentation sample with `"headers": [1e999]`,
    /// a number Foundation's `JSONSerialization` refuses (no Double holds it), was taken by the
    /// fast lane. Numbers a Double may not hold are left to the general path now.
    @Test func declinesNumbersPastADouble() throws {
        let mutant = String(decoding: try Fixture.data("GetUtilizationRecords.json"), as: UTF8.self)
            .replacingOccurrences(of: #""headers": []"#, with: #""headers": [1e999]"#)
        let huge = [mutant, #"{"items":[],"x":1e999}"#, #"{"items":[],"x":-1E+400}"#, #"{"items":[],"x":1e-999}"#,
                    #"{"items":[],"x":1"# + String(repeating: "0", count: 400) + "}", #"{"items":[],"x":1e0001}"#]
        for json in huge {
            let data = Data(json.utf8)
            #expect(UtilizationPageDecoder.fastDecode(data) == nil, "\(json.suffix(60))")
            #expect(Self.fast(data) == Self.general(data))
        }
        #expect(UtilizationPageDecoder.fastDecode(Data(#"{"items":[],"x":1.5e298,"y":-2E-300}"#.utf8)) != nil)
    }
}

/// Foundation's reading of a page, for agreement checks: `JSONSerialization` (numbers as
/// `NSNumber`, compared through `Double`, the only form Foundation gives them in).
enum FoundationReading {
    static func object(_ data: Data) throws -> Any {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return try JSONSerialization.jsonObject(with: Data(bytes))
    }

    static func expectSame(_ page: PartnerCenterUtilizationPage, _ root: [String: Any]) throws {
        let items = try #require(root["items"] as? [[String: Any]])
        #expect(items.count == page.items.count)
        for (record, item) in zip(page.items, items) {
            let resource = try #require(item["resource"] as? [String: Any])
            #expect(resource["id"] as? String == record.meterID)
            #expect(resource["name"] as? String == record.meterName)
            #expect(resource["category"] as? String == record.meterCategory)
            #expect(item["unit"] as? String == record.unit)
            #expect((item["usageStartTime"] as? String).flatMap { UTCTime.parse($0) } == record.usageStart)
            #expect((item["usageEndTime"] as? String).flatMap { UTCTime.parse($0) } == record.usageEnd)
            let quantity = try #require(item["quantity"] as? NSNumber)
            #expect(quantity.doubleValue == Double(ExactDecimal.format(record.quantity)))
            let instance = item["instanceData"] as? [String: Any]
            #expect(instance?["resourceUri"] as? String == record.resourceURI)
            #expect(instance?["location"] as? String == record.location)
            let tags = (instance?["tags"] as? [String: String]) ?? [:]
            #expect(tags == Dictionary(record.tags.members.compactMap { m in
                if case .string(let s) = m.value { (m.key, s) } else { nil }
            }, uniquingKeysWith: { $1 }))
        }
        if let total = root["totalCount"] as? NSNumber { #expect(page.totalCount == total.int64Value) }
        let links = root["links"] as? [String: Any]
        #expect(((links?["self"] as? [String: Any])?["uri"] as? String) == page.links.selfLink?.uri)
    }
}
