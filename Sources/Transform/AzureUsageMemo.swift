import Extract
import Foundation
import WarehouseCore

/// What repeats from record to record in one usage document, computed once per document: a
/// page of 1,000 records names a few dozen resources and a few days, and parsing a resource URI,
/// serializing its tags and formatting a time cost more than everything else the normalizer
/// does per record (issue 9's profile: 5.7 µs of 10.6 µs per record went to `ResourceURI`).
/// Results are exactly those of the uncached calls; the memo only skips recomputing them.
struct AzureUsageMemo {
    private struct Resource {
        var tags: JSONObject
        var parts: ResourceURI
        var tagsText: String
    }

    private var resources: [String: Resource] = [:]
    private var times: [Int64: String] = [:]

    /// The parts of `uri` and `tags` as JSON text.
    mutating func resource(_ uri: String?, tags: JSONObject) -> (parts: ResourceURI, tagsText: String) {
        let key = uri ?? ""
        if let known = resources[key], known.tags == tags { return (known.parts, known.tagsText) }
        let entry = Resource(tags: tags, parts: uri.map(ResourceURI.init(parsing:)) ?? ResourceURI(), tagsText: JSONValue.object(tags).serialized)
        if resources.count < 100_000 { resources[key] = entry }
        return (entry.parts, entry.tagsText)
    }

    /// `time.iso8601`.
    mutating func iso8601(_ time: UTCTime) -> String {
        if let text = times[time.seconds] { return text }
        let text = time.iso8601
        if times.count < 100_000 { times[time.seconds] = text }
        return text
    }
}
