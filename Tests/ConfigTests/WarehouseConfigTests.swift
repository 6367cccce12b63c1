import Config
import Foundation
import TestSupport
import Testing
import Transform
import WarehouseCore

@Suite struct WarehouseConfigTests {
    static let example = """
        currency: USD
        pricing:
          credit_price: "0.16"        # money per ArcGIS Online credit
          tier_mode: graduated        # or volume
        cost_centers:
          tag_keys: [costCenter, cost-center, cost_center]
          rules:                      # first match wins
            - {resource_group: "dns-*", cost_center: Networking}
            - {subscription: "46a62ece-10ad-42e5-b3f1-b2ed53e6fc08", cost_center: Operations}
            - {customer: "8b5a8c3e-0000-4000-8000-000000000001", cost_center: Contoso}
            - {user: "jdoe", cost_center: GIS}
            - {user_tag: "costCenter", cost_center: "$value"}   # AGOL user tag costCenter:Ops -> Ops
          default: Unassigned
        """

    @Test func readsTheDocumentedExample() throws {
        let config = try WarehouseConfig.parse(yaml: Self.example, file: "warehouse.yaml")
        #expect(config.currency == "USD")
        #expect(config.pricing.creditPrice == dec("0.16"))
        #expect(config.pricing.tierMode == .graduated)
        #expect(config.costCenters.tagKeys == ["costCenter", "cost-center", "cost_center"])
        #expect(config.costCenters.defaultCostCenter == "Unassigned")
        #expect(config.costCenters.rules == [
            CostCenterRule(.resourceGroup(glob: "dns-*"), costCenter: "Networking"),
            CostCenterRule(.subscription("46a62ece-10ad-42e5-b3f1-b2ed53e6fc08"), costCenter: "Operations"),
            CostCenterRule(.customer("8b5a8c3e-0000-4000-8000-000000000001"), costCenter: "Contoso"),
            CostCenterRule(.user("jdoe"), costCenter: "GIS"),
            CostCenterRule(.userTag(keys: ["costCenter"], value: nil), costCenter: "$value"),
        ])
        #expect(config.costCenters.assign(CostCenterFacts(userName: "asmith", userTags: ["costCenter:Ops"])) == "Ops")
    }

    @Test func moneyIsReadFromItsTextNeverThroughDouble() throws {
        // 0.1 + 0.2 style: a Double would not keep all these digits.
        let config = try WarehouseConfig.parse(yaml: "pricing:\n  credit_price: 0.123456789012345678901\n", file: "w.yaml")
        #expect(config.pricing.creditPrice == dec("0.123456789012345678901"))
        #expect(try WarehouseConfig.parse(yaml: "pricing: {credit_price: 1e-1}", file: "w.yaml").pricing.creditPrice == dec("0.1"))
    }

    @Test func emptyAndPartialFilesKeepTheDefaults() throws {
        #expect(try WarehouseConfig.parse(yaml: "", file: "w.yaml") == .defaults)
        #expect(try WarehouseConfig.parse(yaml: "# nothing yet\n", file: "w.yaml") == .defaults)
        let partial = try WarehouseConfig.parse(yaml: "currency: eur\npricing:\n  tier_mode: volume\nsources: []\n", file: "w.yaml")
        #expect(partial.currency == "EUR")
        #expect(partial.pricing.tierMode == .volume)
        #expect(partial.pricing.creditPrice == nil)
        #expect(partial.costCenters == CostCenterRules())
    }

    @Test func tagRulesTakeOneKeyOrAListAndAnOptionalValue() throws {
        let config = try WarehouseConfig.parse(yaml: """
            cost_centers:
              tag_keys: []
              rules:
                - {tag: [Env, environment], value: Prod, cost_center: Production}
                - {tag: costCenter, cost_center: $value}
            """, file: "w.yaml")
        #expect(config.costCenters.rules == [
            CostCenterRule(.tag(keys: ["Env", "environment"], value: "Prod"), costCenter: "Production"),
            CostCenterRule(.tag(keys: ["costCenter"], value: nil), costCenter: "$value"),
        ])
        #expect(config.costCenters.tagKeys.isEmpty)
    }

    static let bad: [(String, String, String)] = [
        ("tier mode", "pricing:\n  tier_mode: tiered\n",
         #"warehouse.yaml: pricing.tier_mode: expected graduated or volume, got "tiered" (line 2)"#),
        ("credit price not a number", "pricing:\n  credit_price: \"16 cents\"\n",
         #"warehouse.yaml: pricing.credit_price: expected a decimal number such as "0.16", got "16 cents" (line 2)"#),
        ("negative credit price", "pricing: {credit_price: -1}\n",
         #"warehouse.yaml: pricing.credit_price: expected a price of zero or more, got "-1" (line 1)"#),
        ("currency", "currency: dollars\n",
         #"warehouse.yaml: currency: expected a three-letter currency code such as USD, got "dollars" (line 1)"#),
        ("unknown key", "pricng:\n  tier_mode: volume\n",
         "warehouse.yaml: pricng: unknown key (expected one of currency, pricing, cost_centers, sources, secrets_file, lock_wait_seconds, alerts) (line 1)"),
        ("unknown nested key", "cost_centers:\n  rule: []\n",
         "warehouse.yaml: cost_centers.rule: unknown key (expected one of tag_keys, rules, default) (line 2)"),
        ("two conditions in a rule", "cost_centers:\n  rules:\n    - {user: a, customer: b, cost_center: X}\n",
         "warehouse.yaml: cost_centers.rules[0]: expected exactly one of tag, user_tag, resource_group, subscription, customer, user, got user and customer (line 3)"),
        ("a rule without a cost center", "cost_centers:\n  rules:\n    - {user: a}\n",
         "warehouse.yaml: cost_centers.rules[0]: missing cost_center (line 3)"),
        ("a value on a mapping rule", "cost_centers:\n  rules:\n    - {user: a, value: b, cost_center: X}\n",
         "warehouse.yaml: cost_centers.rules[0]: value: only a tag or user_tag rule takes a value (line 3)"),
        ("rules not a list", "cost_centers:\n  rules: {user: a}\n",
         #"warehouse.yaml: cost_centers.rules: expected a list, got a map (line 2)"#),
        ("tag keys not a list", "cost_centers:\n  tag_keys: {a: b}\n",
         #"warehouse.yaml: cost_centers.tag_keys: expected a list, got a map (line 2)"#),
        ("blank default", "cost_centers:\n  default: \"\"\n",
         #"warehouse.yaml: cost_centers.default: expected a name, got "" (line 2)"#),
        ("a key given twice", "currency: USD\ncurrency: EUR\n", "warehouse.yaml: currency: given twice (line 1)"),
        ("not a map", "- a\n- b\n", #"warehouse.yaml: expected a map of keys, got a list (line 1)"#),
        ("not YAML", "pricing: [unclosed\n", "warehouse.yaml: not valid YAML: line 2, column 1: did not find expected ',' or ']'"),
    ]

    @Test(arguments: bad)
    func badConfigurationIsOneLineNamingFileAndKey(_ name: String, yaml: String, message: String) {
        let error = #expect(throws: ConfigError.self, "\(name)") { try WarehouseConfig.parse(yaml: yaml, file: "warehouse.yaml") }
        #expect(error?.description == message)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func loadsAFileAndNamesAMissingOne() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "warehouse-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "warehouse.yaml").path
        try Data(Self.example.utf8).write(to: URL(fileURLWithPath: path))
        let config = try WarehouseConfig.load(path: path)
        #expect(config.path == path)
        #expect(config.pricing.creditPrice == dec("0.16"))
        let missing = directory.appending(path: "nope.yaml").path
        let error = #expect(throws: ConfigError.self) { try WarehouseConfig.load(path: missing) }
        #expect(error?.description == "\(missing): no such configuration file")
        let unreadable = #expect(throws: ConfigError.self) { try WarehouseConfig.load(path: directory.path) }
        #expect(unreadable?.description.hasPrefix("\(directory.path): cannot read the configuration file") == true)
    }
}


extension WarehouseConfigTests {
    /// The configuration shown in the README parses, and means what the README says of it.
    @Test func theREADMEExampleParses() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "## Pricing and cost centers")).upperBound
        let start = try #require(text.range(of: "```yaml\n", range: section..<text.endIndex)).upperBound
        let end = try #require(text.range(of: "```", range: start..<text.endIndex)).lowerBound
        let config = try WarehouseConfig.parse(yaml: String(text[start..<end]), file: "README.md")
        #expect(config.pricing.creditPrice == dec("0.16"))
        #expect(config.costCenters.rules.count == 6)
        let rules = config.costCenters
        #expect(rules.assign(CostCenterFacts(resourceTags: [.init(key: "CostCenter", value: "Fin")], resourceGroup: "dns-1")) == "Fin")
        #expect(rules.assign(CostCenterFacts(userName: "jdoe", userTags: ["costCenter:Ops"])) == "GIS")
        #expect(rules.assign(CostCenterFacts(resourceTags: [.init(key: "environment", value: "Prod")])) == "Production")
    }
}
