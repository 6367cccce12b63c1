import Foundation

/// Cost centers group case-insensitively ("Ops", "OPS" and "ops" are one) and are shown in
/// their most common spelling among the usage rows they cover; a tie goes to the spelling that
/// sorts first, so the name shown never depends on the order rows were read.
public enum CostCenterNames {
    /// The grouping key stored in `cost_centers.cost_center_key` and `charges.cost_center_key`.
    public static func key(_ name: String) -> String { name.lowercased() }

    /// The display name for one key from the row counts of its spellings; nil when empty.
    public static func displayName(_ counts: [String: Int]) -> String? {
        counts.min { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }?.key
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
