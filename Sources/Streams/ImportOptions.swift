import Foundation
import Transform
import WarehouseCore

/// What a document does not say about itself (`--customer`, `--subscription`, `--org`,
/// `--as-of`), with the stream it belongs to and the source it is loaded into. Stored with each
/// raw page as its `context`, so `warehouse rebuild` decodes the page exactly as it was loaded.
public struct ImportOptions: Sendable {
    public var kind: StreamSpec
    public var source: String?
    public var customer: String?
    public var subscription: String?
    public var org: String?
    /// The snapshot day of items, users and portals/self (default: today, UTC).
    public var asOf: UTCTime?
    /// The reported window a utilization or UsageAggregates page answers, when the page does not
    /// say (`--reported-day`, `--reported-start`/`--reported-end`; the nightly run's day).
    public var reported: ReportedWindow?
    /// The attachment bytes of the one hosted feature service on an item page, read from its
    /// layers' `queryAttachments` by the nightly run (the item's `size` includes them).
    public var attachmentBytes: Int64?

    public init(
        kind: StreamSpec, source: String? = nil, customer: String? = nil, subscription: String? = nil, org: String? = nil, asOf: UTCTime? = nil,
        reported: ReportedWindow? = nil
    ) {
        self.reported = reported
        self.kind = kind
        self.source = source
        self.customer = customer
        self.subscription = subscription
        self.org = org
        self.asOf = asOf
    }

    public var sourceName: String { source ?? kind.defaultSource }

    /// The one spelling of the `raw_pages.context` keys.
    public enum Key {
        public static let customer = "customer"
        public static let subscription = "subscription"
        public static let org = "org"
        public static let asOf = "as_of"
        public static let reportedStart = "reported_start"
        public static let reportedEnd = "reported_end"
        public static let attachmentBytes = "attachment_bytes"
    }

    /// The `raw_pages.context` JSON: the options given, so `rebuild` can re-derive the facts.
    public var contextJSON: String {
        var members: [JSONObject.Member] = []
        if let customer { members.append(.init(key: Key.customer, value: .string(customer))) }
        if let subscription { members.append(.init(key: Key.subscription, value: .string(subscription))) }
        if let org { members.append(.init(key: Key.org, value: .string(org))) }
        if let asOf { members.append(.init(key: Key.asOf, value: .string(asOf.day))) }
        if let reported {
            members.append(.init(key: Key.reportedStart, value: .string(reported.start.iso8601)))
            members.append(.init(key: Key.reportedEnd, value: .string(reported.end.iso8601)))
        }
        if let attachmentBytes { members.append(.init(key: Key.attachmentBytes, value: .string(String(attachmentBytes)))) }
        return JSONValue.object(JSONObject(members)).serialized
    }

    /// The options a stored page was loaded with, read back from its `contextJSON` (what
    /// `warehouse rebuild` decodes each page with); nil when `context` is not a JSON object.
    public init?(kind: StreamSpec, source: String, contextJSON context: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(context.utf8)) as? [String: Any] else { return nil }
        self.init(
            kind: kind, source: source, customer: object[Key.customer] as? String, subscription: object[Key.subscription] as? String,
            org: object[Key.org] as? String, asOf: (object[Key.asOf] as? String).flatMap { UTCTime.parse($0) })
        if let start = (object[Key.reportedStart] as? String).flatMap({ UTCTime.parse($0) }),
            let end = (object[Key.reportedEnd] as? String).flatMap({ UTCTime.parse($0) })
        {
            reported = ReportedWindow(start: start, end: end)
        }
        attachmentBytes = (object[Key.attachmentBytes] as? String).flatMap { Int64($0) }
    }
}
