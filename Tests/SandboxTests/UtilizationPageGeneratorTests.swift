import Extract
import Foundation
import Testing
import WarehouseCore

@testable import Sandbox

/// `warehouse sandbox generate`'s pages: deterministic, distinct keys, the route's exact shape,
/// and read identically by the fast decoder, the general path and Foundation (issue 9).
struct UtilizationPageGeneratorTests {
    @Test func sameSeedSameBytesOtherSeedOther() {
        let a = UtilizationPageGenerator(seed: 7, customers: 3), b = UtilizationPageGenerator(seed: 7, customers: 3)
        #expect(a.page(4) == b.page(4))
        #expect(a.page(4) != UtilizationPageGenerator(seed: 8, customers: 3).page(4))
        #expect(a.page(4) != a.page(5))
    }

    @Test("pages read the same through the fast lane, the general path and Foundation", arguments: [0, 1, 5, 17])
    func generatedPagesAgree(index: Int) throws {
        let data = Data(UtilizationPageGenerator(seed: 3, customers: 4).page(index))
        let fast = try #require(UtilizationPageDecoder.fastDecode(data))
        #expect(fast == (try PartnerCenterUtilizationPage.decode(data, file: "generated.json")))
        #expect(fast.items.count == UtilizationPageGenerator.recordsPerPage)
        #expect(fast.customerAndSubscription.subscription != nil)
        let root = try #require(try JSONSerialization.jsonObject(with: data.dropFirst(3)) as? [String: Any])
        let items = try #require(root["items"] as? [[String: Any]])
        #expect(items.count == fast.items.count)
        for (item, record) in zip(items, fast.items) {
            #expect((item["resource"] as? [String: Any])?["id"] as? String == record.meterID)
            #expect((item["quantity"] as? NSNumber)?.doubleValue == Double(ExactDecimal.format(record.quantity)))
            #expect((item["instanceData"] as? [String: Any])?["resourceUri"] as? String == record.resourceURI)
        }
    }

    @Test func everyRecordHasItsOwnNaturalKey() throws {
        let generator = UtilizationPageGenerator(seed: 11, customers: 2)
        var keys = Set<String>()
        var records = 0
        for index in 0..<12 {
            let page = try #require(UtilizationPageDecoder.fastDecode(Data(generator.page(index))))
            let account = try #require(page.customerAndSubscription.subscription)
            for r in page.items {
                records += 1
                keys.insert("\(account)|\(r.resourceURI ?? "")|\(r.meterID)|\(r.usageStart.iso8601)")
            }
        }
        #expect(records == 12_000)
        #expect(keys.count == records)
    }

    @Test func theRouteAndTheGeneratorWriteRecordsAlike() throws {
        let generator = UtilizationPageGenerator(seed: 5, customers: 1)
        let record = generator.record(stream: 0, 3)
        var route = JSONWriter()
        UtilizationPageWriter.writeRecord(&route, record, details: true)
        let page = try #require(UtilizationPageDecoder.fastDecode(Data(generator.page(0))))
        let single = try DocumentReader.json(Data(route.bytes), file: "")
        guard case .object(let object) = single, case .object(let instance)? = object["instanceData"] else {
            Issue.record("a record is an object with instanceData")
            return
        }
        #expect(instance["resourceUri"] == .string(page.items[3].resourceURI ?? ""))
        #expect(object["quantity"] == .number(ExactDecimal.format(page.items[3].quantity)))
    }

    @Test func writesNumberedFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = try UtilizationPageGenerator(seed: 1, customers: 1).write(pages: 3, to: dir)
        #expect(output.records == 3000)
        #expect(output.files.map { ($0 as NSString).lastPathComponent } == ["utilization-00001.json", "utilization-00002.json", "utilization-00003.json"])
        let sizes = try output.files.map { try Data(contentsOf: URL(fileURLWithPath: $0)).count }
        #expect(sizes.reduce(0, +) == output.bytes)
    }
}
