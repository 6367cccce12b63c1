// bench-decode: decodes generated Partner Center utilization pages (1,000 records each) in
// memory with Foundation's JSONSerialization and JSONDecoder, the general path
// (JSONParser + JSONNode) and the fast UtilizationPageDecoder, then the fast decoder plus
// normalization into facts, then the facts upserted into a fresh warehouse (no repricing), and
// prints MB/s and records/s for each. Single thread; release.
// Not a test: scripts/bench-bulk.sh runs it (`bench-decode [PAGES]`, default 100).
import Extract
import Load
import Ingest
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

// The writing stage alone: the facts of every page upserted into a fresh warehouse (raw page
// stored, 64 pages per transaction), as the bulk import's writing thread does, without repricing.
if only == nil || "write facts to SQLite".contains(only ?? "") {
    let batches = try documents.map { data in
        try Normalize.partnerCenterUtilization(
            try UtilizationPageDecoder.decode(data, file: "page"), source: "partnercenter", customer: nil, subscription: nil, file: "page")
    }
    let prepared = try documents.map { try RawPageStore.PreparedBody(body: $0) }
    let path = FileManager.default.temporaryDirectory.appending(path: "bench-decode-\(UUID().uuidString).db").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let db = try Database.openWarehouse(path: path)
    try db.execute("PRAGMA temp_store = MEMORY")
    try db.execute("PRAGMA cache_size = -32768")
    var index = 0
    try measure("write facts to SQLite (no reprice)") { _ in
        defer { index += 1 }
        if index % 64 == 0 { if db.isInTransaction { try db.execute("COMMIT") }; try db.execute("BEGIN IMMEDIATE") }
        let page = try RawPageStore(db).store(
            source: "partnercenter", stream: "usage", kind: "pc-utilization", request: "page \(index)", prepared: prepared[index])
        _ = try FactWriter(db: db).write(batches[index], pageID: page.pageID)
        if index == documents.count - 1 { try db.execute("COMMIT") }
        return batches[index].records
    }
}
