import Foundation

/// What one usage row offers the cost-center rules.
public struct CostCenterFacts: Sendable, Hashable {
    /// Resource tags (Azure `tags`, or "key:value" item tags), in the order the source gave them.
    public var resourceTags: [Tag]
    public var userName: String?
    /// ArcGIS Online user tags, e.g. "costCenter:Planning".
    public var userTags: [String]
    public var resourceGroup: String?
    public var subscription: String?
    public var customer: String?

    public struct Tag: Sendable, Hashable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    public init(
        resourceTags: [Tag] = [], userName: String? = nil, userTags: [String] = [], resourceGroup: String? = nil,
        subscription: String? = nil, customer: String? = nil
    ) {
        self.resourceTags = resourceTags
        self.userName = userName
        self.userTags = userTags
        self.resourceGroup = resourceGroup
        self.subscription = subscription
        self.customer = customer
    }
}

extension CostCenterFacts {
    /// Tags from a `usage.tags` / `resources.tags` JSON text: an object of key -> value (Azure;
    /// numbers and booleans as their text, nulls skipped), or an array of "key:value" strings
    /// (ArcGIS Online item tags). Anything else is no tags: a row's cost center then comes from
    /// the other rules, never from an error half-way through an invoice.
    public static func tags(fromJSON text: String) -> [Tag] {
        guard text != "{}", text != "[]", !text.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        else { return [] }
        if let dictionary = object as? [String: Any] {
            // JSON objects have no order; sort keys so the first match is the same every run.
            return dictionary.keys.sorted().compactMap { key in
                switch dictionary[key] {
                case let value as String: return Tag(key: key, value: value)
                case let value as NSNumber: return Tag(key: key, value: value.stringValue)
                default: return nil
                }
            }
        }
        if let array = object as? [Any] {
            return array.compactMap { ($0 as? String).flatMap(CostCenterRule.splitTag) }
        }
        return []
    }

    /// User tags from a `users.tags` JSON array of strings.
    public static func userTags(fromJSON text: String) -> [String] {
        guard text != "[]", !text.isEmpty,
            let array = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any]
        else { return [] }
        return array.compactMap { $0 as? String }
    }
}
