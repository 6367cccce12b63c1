import Foundation
import Transform
import WarehouseCore
import Yams

/// Reading `warehouse.yaml`.
///
/// Parsed with Yams node by node rather than through swift-configuration's `YAMLSnapshot`: that
/// snapshot accepts only scalars and arrays of scalars and rejects the whole file when a list
/// holds maps (`nonScalarValueInArray`), which `cost_centers.rules` (and the coming `sources:`)
/// are. Reading the nodes also keeps each scalar's text as written, so `credit_price: 0.16` is
/// read as the decimal 0.16, never through a Double, and lets every error name its key and line.
extension WarehouseConfig {
    /// `path`, else `./warehouse.yaml` when it exists, else `defaults`.
    public static func load(path: String?) throws -> WarehouseConfig {
        let file: String
        if let path {
            file = path
        } else if FileManager.default.fileExists(atPath: defaultFileName) {
            file = defaultFileName
        } else {
            return defaults
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw ConfigError(file: file, key: "", message: "no such configuration file")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(file: file, key: "", message: "cannot read the configuration file (a directory, or no permission?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: file, key: "", message: "not UTF-8 text")
        }
        var config = try parse(yaml: text, file: file)
        config.path = file
        return config
    }

    /// The configuration in `yaml`; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws -> WarehouseConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error {
                // Yams finds these itself; it knows the map's line, not its path.
                throw ConfigError(file: file, key: duplicates.joined(separator: ", "), message: "given twice", line: context.mark.line)
            }
            throw ConfigError(file: file, key: "", message: Self.oneLine(error))
        }
        var config = WarehouseConfig.defaults
        guard let root, !root.isNull else { return config }
        let top = ConfigNode(node: root, key: "", file: file)
        let keys = ["currency", "pricing", "cost_centers", "sources", "secrets_file", "lock_wait_seconds", "alerts"]
        for (key, value) in try top.mapping(allowed: keys) {
            switch key {
            case "currency": config.currency = try value.currency()
            case "pricing": config.pricing = try parsePricing(value)
            case "cost_centers": config.costCenters = try parseCostCenters(value)
            case "sources": config.sources = try parseSources(value)
            case "secrets_file":
                let path = try value.name()
                config.secretsFile = path.hasPrefix("/") ? path : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).path
            case "lock_wait_seconds": config.lockWaitSeconds = try value.integer(in: 0...86_400)
            case "alerts": config.alerts = try parseAlerts(value)
            default: break
            }
        }
        return config
    }

    static func parsePricing(_ node: ConfigNode) throws -> Pricing {
        var pricing = Pricing()
        guard !node.node.isNull else { return pricing }
        for (key, value) in try node.mapping(allowed: ["credit_price", "tier_mode"]) {
            switch key {
            case "credit_price":
                if value.node.isNull { pricing.creditPrice = nil; continue }
                let price = try value.decimal()
                guard price >= 0 else { throw value.error("expected a price of zero or more, got \(value.quotedText)") }
                pricing.creditPrice = price
            default:
                let text = try value.string()
                guard let mode = TierMode(rawValue: text) else {
                    throw value.error("expected graduated or volume, got \(value.quotedText)")
                }
                pricing.tierMode = mode
            }
        }
        return pricing
    }

    static func parseCostCenters(_ node: ConfigNode) throws -> CostCenterRules {
        var rules = CostCenterRules()
        guard !node.node.isNull else { return rules }
        for (key, value) in try node.mapping(allowed: ["tag_keys", "rules", "default"]) {
            switch key {
            case "tag_keys": rules.tagKeys = try value.stringList()
            case "rules": rules.rules = try value.list().map(parseRule)
            default: rules.defaultCostCenter = try value.name()
            }
        }
        return rules
    }

    static let conditionKeys = ["tag", "user_tag", "resource_group", "subscription", "customer", "user"]

    static func parseRule(_ node: ConfigNode) throws -> CostCenterRule {
        let fields = try node.mapping(allowed: conditionKeys + ["value", "cost_center"])
        let conditions = fields.filter { conditionKeys.contains($0.key) }
        guard conditions.count == 1, let (kind, condition) = conditions.first else {
            throw node.error(
                "expected exactly one of \(conditionKeys.joined(separator: ", ")), got "
                    + (conditions.isEmpty ? "none" : conditions.map(\.key).joined(separator: " and ")))
        }
        guard let target = fields.first(where: { $0.key == "cost_center" })?.value else {
            throw node.error("missing cost_center")
        }
        let costCenter = try target.name()
        let value = try fields.first(where: { $0.key == "value" }).map { try $0.value.string() }
        if value != nil, kind != "tag", kind != "user_tag" {
            throw node.error("value: only a tag or user_tag rule takes a value")
        }
        let match: CostCenterRule.Match
        switch kind {
        case "tag": match = .tag(keys: try condition.stringOrList(), value: value)
        case "user_tag": match = .userTag(keys: try condition.stringOrList(), value: value)
        case "resource_group": match = .resourceGroup(glob: try condition.name())
        case "subscription": match = .subscription(try condition.name())
        case "customer": match = .customer(try condition.name())
        default: match = .user(try condition.name())
        }
        return CostCenterRule(match, costCenter: costCenter)
    }

    /// A Yams error as one line: "line 3, column 7: mapping values are not allowed in this context".
    static func oneLine(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "not valid YAML: line \(mark.line), column \(mark.column): \(problem)"
        case .reader(let problem, _, _, _):
            return "not valid YAML: \(problem)"
        default:
            return "not valid YAML: " + String(describing: error).split(separator: "\n").joined(separator: " ")
        }
    }
}

/// One node of the file with the dotted key that reached it, for errors that say where.
struct ConfigNode {
    let node: Node
    let key: String
    let file: String

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, key: key, message: message, line: node.mark?.line)
    }

    func child(_ name: String, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, key: key.isEmpty ? name : key + "." + name, file: file)
    }

    /// The value as an error quotes it: one line (a multi-line YAML scalar's breaks shown as `\n`),
    /// at most 80 characters.
    var quotedText: String {
        if let scalar = node.scalar {
            let text = scalar.string.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(text.count > 80 ? text.prefix(80) + "…" : text)\""
        }
        return node.mapping != nil ? "a map" : "a list"
    }

    /// The pairs of a mapping, in file order; an unknown or repeated key is an error naming it.
    func mapping(allowed: [String]) throws -> [(key: String, value: ConfigNode)] {
        guard let mapping = node.mapping else { throw error("expected a map of keys, got \(quotedText)") }
        var seen: Set<String> = []
        var pairs: [(key: String, value: ConfigNode)] = []
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.scalar?.string else { throw error("a key must be text") }
            let child = child(name, valueNode)
            guard allowed.contains(name) else {
                throw ConfigError(
                    file: file, key: child.key, message: "unknown key (expected one of \(allowed.joined(separator: ", ")))",
                    line: keyNode.mark?.line)
            }
            guard seen.insert(name).inserted else {
                throw ConfigError(file: file, key: child.key, message: "given twice", line: keyNode.mark?.line)
            }
            pairs.append((name, child))
        }
        return pairs
    }

    func list() throws -> [ConfigNode] {
        if node.isNull { return [] }
        guard let sequence = node.sequence else { throw error("expected a list, got \(quotedText)") }
        return sequence.enumerated().map { ConfigNode(node: $1, key: "\(key)[\($0)]", file: file) }
    }

    func string() throws -> String {
        guard let scalar = node.scalar, !node.isNull else { throw error("expected text, got \(node.isNull ? "nothing" : quotedText)") }
        return scalar.string
    }

    /// Non-blank text, trimmed: a cost-center name, a glob, an id.
    func name() throws -> String {
        let text = try string().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw error("expected a name, got \"\"") }
        return text
    }

    func stringList() throws -> [String] { try list().map { try $0.name() } }

    func stringOrList() throws -> [String] {
        let names = node.sequence != nil ? try stringList() : [try name()]
        guard !names.isEmpty else { throw error("expected at least one tag key") }
        return names
    }

    /// A decimal read from the text as written (`"0.16"` or `0.16`), never through Double.
    func decimal() throws -> Decimal {
        let text = try string().trimmingCharacters(in: .whitespaces)
        guard let value = ExactDecimal.parse(text) else { throw error("expected a decimal number such as \"0.16\", got \(quotedText)") }
        return value
    }

    /// An ISO 4217 code: three letters, stored upper case.
    func currency() throws -> String {
        let text = try string()
        guard text.utf8.count == 3, text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw error("expected a three-letter currency code such as USD, got \(quotedText)")
        }
        return text.uppercased()
    }
}

extension Node {
    /// A plain `null`, `~` or empty value (a quoted "null" is text).
    var isNull: Bool { tag.rawValue == Tag.Name.null.rawValue }
}
