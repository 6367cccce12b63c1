// bench-decode: decodes generated Partner Center utilization pages (1,000 records each) in
// memory with Foundation's JSONSerialization and JSONDecoder, the general path
// (JSONParser + JSONNode) and the fast UtilizationPageDecoder, then the fast decoder plus
// normalization into facts, and prints MB/s and records/s for each. Single thread; release.
// Not a test: scripts/bench-bulk.sh runs it (`bench-decode [PAGES]`, default 100).
import Extract
import Foundation
import Sandbox
import Transform
import WarehouseCore

let pages = Int(CommandLine.arguments.dropFirst().first ?? "100") ?? 100
let generator = UtilizationPageGenerator(seed: 42)
let documents = (0..<pages).map { Data(generator.page($0)) }
let bytes = documents.reduce(0) { $0 + $1.count }
let records = pages * UtilizationPageGenerator.recordsPerPage

/// The shape `JSONDecoder` decodes (every field the warehouse keeps; the quantity as Decimal).
struct Page: Decodable {
    struct Item: Decodable {
        struct Resource: Decodable { var id: String; var name: String?; var category: String?; var subcategory: String?; var region: String? }
        struct Instance: Decodable { var resourceUri: String?; var location: String?; var tags: [String: String]? }
        var usageStartTime: String
        var usageEndTime: String
        var resource: Resource
        var quantity: Decimal
        var unit: String?
        var instanceData: Instance?
    }
    var totalCount: Int?
    var items: [Item]
}

/// `BENCH_ONLY=fast` (a word of the name) runs only the matching measurements, for a profiler.
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]

func measure(_ name: String, _ body: (Data) throws -> Int) rethrows {
    if let only, !name.contains(only) { return }
    let start = ContinuousClock.now
    var seen = 0
    for document in documents { seen += try body(document) }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    precondition(seen == records, "\(name): \(seen) records, expected \(records)")
    print(
        name.padding(toLength: 44, withPad: " ", startingAt: 0),
        String(format: "%8.1f MB/s %10.0f records/s", Double(bytes) / seconds / 1e6, Double(records) / seconds))
}

print("bench-decode: \(pages) pages, \(records) records, \(bytes / 1_000_000) MB of JSON, one thread")
try measure("Foundation JSONSerialization") { data in
    let root = try JSONSerialization.jsonObject(with: data.dropFirst(3)) as? [String: Any]
    return (root?["items"] as? [Any])?.count ?? 0
}
try measure("Foundation JSONDecoder (Decimal quantity)") { try JSONDecoder().decode(Page.self, from: $0.dropFirst(3)).items.count }
try measure("general path (JSONParser + JSONNode)") { try PartnerCenterUtilizationPage.decode($0, file: "page").items.count }
try measure("fast UtilizationPageDecoder") { try UtilizationPageDecoder.decode($0, file: "page").items.count }
try measure("fast decoder + Normalize to facts") { data in
    let page = try UtilizationPageDecoder.decode(data, file: "page")
    return try Normalize.partnerCenterUtilization(page, source: "partnercenter", customer: nil, subscription: nil, file: "page").records
}
