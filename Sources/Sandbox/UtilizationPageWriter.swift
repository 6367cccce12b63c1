import WarehouseCore

/// The one writer of a Partner Center utilization page (`GET .../utilizations/azure`), shared by
/// the sandbox's route and by `UtilizationPageGenerator`, so files generated for a benchmark are
/// byte-for-byte the shape the emulated API serves (contracts/azure.md §1).
/// https://learn.microsoft.com/partner-center/developer/get-a-customer-s-utilization-record-for-azure
enum UtilizationPageWriter {
    /// A whole page: `totalCount`, `items`, `links` (`self`, and `next` with its continuation
    /// header while more pages follow) and `attributes`, with the UTF-8 byte order mark the
    /// real API sends.
    static func page(
        _ records: some Sequence<SyntheticUsage>, count: Int, details: Bool, selfURI: String, next: (uri: String, token: String)?
    ) -> JSONWriter {
        var w = JSONWriter(capacity: 800 * max(1, count), byteOrderMark: true)
        w.beginObject()
        w.member("totalCount", count)
        w.array("items") { w in
            for record in records { writeRecord(&w, record, details: details) }
        }
        w.object("links") { w in
            link(&w, "self", uri: selfURI, headers: [])
            if let next { link(&w, "next", uri: next.uri, headers: [("MS-ContinuationToken", next.token)]) }
        }
        w.object("attributes") { $0.member("objectType", "Collection") }
        w.endObject()
        return w
    }

    /// One `AzureUtilizationRecord`; `instanceData` only with `show_details=true`.
    static func writeRecord(_ w: inout JSONWriter, _ r: SyntheticUsage, details: Bool) {
        w.beginObject()
        w.member("usageStartTime", offsetTime(r.usageStart))
        w.member("usageEndTime", offsetTime(r.usageEnd))
        w.object("resource") {
            $0.member("id", r.meter.id)
            $0.member("name", r.meter.name)
            $0.member("category", r.meter.category)
            $0.member("subcategory", r.meter.subcategory)
            $0.member("region", r.meter.region)
        }
        w.member("quantity", number: r.quantityText)
        w.member("unit", r.meter.unit)
        w.object("infoFields") { _ in }
        if details {
            w.object("instanceData") { w in
                w.member("resourceUri", r.resource.uri)
                w.member("location", r.resource.location)
                w.member("partNumber", "")
                w.member("orderNumber", "")
                if let tags = r.resource.tags { w.stringObject("tags", tags) }
            }
        }
        w.object("attributes") { $0.member("objectType", "AzureUtilizationRecord") }
        w.endObject()
    }

    /// A Partner Center link object: `uri`, `method` and the headers to send back byte for byte.
    static func link(_ w: inout JSONWriter, _ name: String, uri: String, headers: [(String, String)]) {
        w.object(name) { w in
            w.member("uri", uri)
            w.member("method", "GET")
            w.array("headers") { w in
                for (k, v) in headers {
                    w.beginObject()
                    w.member("key", k)
                    w.member("value", v)
                    w.endObject()
                }
            }
        }
    }

    /// `2018-07-20T00:00:00+00:00`, the offset style of the real captures.
    static func offsetTime(_ t: UTCTime) -> String { String(t.iso8601.dropLast()) + "+00:00" }

    /// The `links.self.uri` of a utilization window.
    static func selfURI(customerID: String, subscriptionID: String, start: UTCTime, end: UTCTime, details: Bool, size: Int) -> String {
        "customers/\(customerID)/subscriptions/\(subscriptionID)/utilizations/azure?start_time=\(start.iso8601)&end_time=\(end.iso8601)"
            + "&granularity=Daily&show_details=\(details ? "True" : "False")&size=\(size)"
    }
}
