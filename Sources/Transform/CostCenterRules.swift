import Foundation

/// One configured rule: a condition and the cost center it gives. `"$value"` in the cost center
/// stands for the value matched (the tag's value, the user name, the resource group...).
public struct CostCenterRule: Sendable, Hashable {
    public enum Match: Sendable, Hashable {
        /// A resource tag whose key is one of `keys` (case-insensitive), optionally with exactly `value`.
        case tag(keys: [String], value: String?)
        /// An ArcGIS Online user tag "key:value" whose key is one of `keys` (case-insensitive).
        case userTag(keys: [String], value: String?)
        /// A resource group matching a glob (`*`, `?`), case-insensitively.
        case resourceGroup(glob: String)
        case subscription(String)
        case customer(String)
        case user(String)
    }

    public var match: Match
    public var costCenter: String

    public init(_ match: Match, costCenter: String) {
        self.match = match
        self.costCenter = costCenter
    }

    /// The cost center this rule gives `facts`, or nil when it does not match.
    public func apply(to facts: CostCenterFacts) -> String? {
        guard let matched = matchedValue(facts) else { return nil }
        let name = costCenter.replacingOccurrences(of: "$value", with: matched)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    private func matchedValue(_ facts: CostCenterFacts) -> String? {
        switch match {
        case .tag(let keys, let value):
            return Self.lookUp(keys: keys, value: value, in: facts.resourceTags)
        case .userTag(let keys, let value):
            return Self.lookUp(keys: keys, value: value, in: facts.userTags.compactMap(Self.splitTag))
        case .resourceGroup(let glob):
            guard let group = facts.resourceGroup, Glob.matches(glob, group) else { return nil }
            return group
        case .subscription(let id):
            return Self.same(id, facts.subscription)
        case .customer(let id):
            return Self.same(id, facts.customer)
        case .user(let name):
            return Self.same(name, facts.userName)
        }
    }

    /// The first key of `keys` (in their order) that the tags carry with a non-blank value.
    /// Keys compare case-insensitively (Azure treats tag names so); values stay exact.
    static func lookUp(keys: [String], value wanted: String?, in tags: [CostCenterFacts.Tag]) -> String? {
        for key in keys {
            for tag in tags where tag.key.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(key) == .orderedSame {
                let value = tag.value.trimmingCharacters(in: .whitespacesAndNewlines)
                if value.isEmpty { continue }
                if let wanted, value != wanted { continue }
                return value
            }
        }
        return nil
    }

    /// "costCenter:Planning" -> (costCenter, Planning); nil without a colon.
    static func splitTag(_ text: String) -> CostCenterFacts.Tag? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return CostCenterFacts.Tag(key: String(text[..<colon]), value: String(text[text.index(after: colon)...]))
    }

    static func same(_ wanted: String, _ actual: String?) -> String? {
        guard let actual, wanted.caseInsensitiveCompare(actual) == .orderedSame else { return nil }
        return actual
    }
}

/// The ordered cost-center rules of DESIGN.md §5: the first rule that matches wins, otherwise
/// the default ("Unassigned").
///
/// Tags need no rule: a resource tag (then an ArcGIS Online user tag) whose key is one of
/// `tagKeys` is looked up *before* the configured rules, because a tag is what the resource's
/// owner declared and a mapping is a broad default. To rank a mapping above tags, write the tag
/// rule yourself where it belongs (`{tag: costCenter, cost_center: $value}`, or `user_tag:` for
/// user tags): a configured `tag` rule on one of `tagKeys` replaces the implicit resource-tag
/// lookup, a configured `user_tag` rule on one of them the implicit user-tag lookup. Rules on
/// other keys (`{tag: env, value: Prod, ...}`) are ordinary rules and replace nothing.
public struct CostCenterRules: Sendable, Hashable {
    public static let defaultTagKeys = ["costCenter", "cost-center", "cost_center"]
    public static let defaultCostCenter = "Unassigned"

    public var tagKeys: [String]
    public var rules: [CostCenterRule]
    public var defaultCostCenter: String

    public init(
        tagKeys: [String] = CostCenterRules.defaultTagKeys, rules: [CostCenterRule] = [],
        defaultCostCenter: String = CostCenterRules.defaultCostCenter
    ) {
        self.tagKeys = tagKeys
        self.rules = rules
        self.defaultCostCenter = defaultCostCenter
    }

    /// The rules in the order they are tried, implicit tag lookups included.
    public var effectiveRules: [CostCenterRule] {
        func isTagKey(_ key: String) -> Bool { tagKeys.contains { $0.caseInsensitiveCompare(key) == .orderedSame } }
        var resourceTagRule = false
        var userTagRule = false
        for rule in rules {
            switch rule.match {
            case .tag(let keys, _): resourceTagRule = resourceTagRule || keys.contains(where: isTagKey)
            case .userTag(let keys, _): userTagRule = userTagRule || keys.contains(where: isTagKey)
            default: break
            }
        }
        var implicit: [CostCenterRule] = []
        if !tagKeys.isEmpty, !resourceTagRule {
            implicit.append(CostCenterRule(.tag(keys: tagKeys, value: nil), costCenter: "$value"))
        }
        if !tagKeys.isEmpty, !userTagRule {
            implicit.append(CostCenterRule(.userTag(keys: tagKeys, value: nil), costCenter: "$value"))
        }
        return implicit + rules
    }

    /// The cost center of one usage row, as spelled by the rule (or tag) that gave it.
    public func assign(_ facts: CostCenterFacts) -> String {
        assign(facts, using: effectiveRules)
    }

    /// `assign` with `effectiveRules` computed once by the caller (the hot path).
    public func assign(_ facts: CostCenterFacts, using effective: [CostCenterRule]) -> String {
        for rule in effective {
            if let name = rule.apply(to: facts) { return name }
        }
        return defaultCostCenter
    }
}
