import Foundation
import Testing
import Transform

typealias Tag = CostCenterFacts.Tag

@Suite struct CostCenterRulesTests {
    static let mappings = CostCenterRules(rules: [
        CostCenterRule(.resourceGroup(glob: "dns-*"), costCenter: "Networking"),
        CostCenterRule(.subscription("46A62ECE-10AD-42E5-B3F1-B2ED53E6FC08"), costCenter: "Operations"),
        CostCenterRule(.customer("contoso-id"), costCenter: "Contoso"),
        CostCenterRule(.user("jdoe"), costCenter: "GIS"),
        CostCenterRule(.userTag(keys: ["costCenter"], value: nil), costCenter: "$value"),
    ])

    static let cases: [(String, CostCenterFacts, String)] = [
        ("a resource tag comes before every mapping",
         CostCenterFacts(resourceTags: [Tag(key: "costCenter", value: "Finance")], resourceGroup: "dns-prod"), "Finance"),
        ("tag keys match whatever their case",
         CostCenterFacts(resourceTags: [Tag(key: "COSTCENTER", value: "Finance")]), "Finance"),
        ("the other default keys", CostCenterFacts(resourceTags: [Tag(key: "Cost_Center", value: "Legal")]), "Legal"),
        ("tag values keep their case", CostCenterFacts(resourceTags: [Tag(key: "cost-center", value: "prod")]), "prod"),
        ("a blank tag value is no tag", CostCenterFacts(resourceTags: [Tag(key: "costCenter", value: "  ")], resourceGroup: "DNS-west"),
         "Networking"),
        ("other tags are ignored", CostCenterFacts(resourceTags: [Tag(key: "Department", value: "Sales")]), "Unassigned"),
        ("resource group glob, case-insensitive", CostCenterFacts(resourceGroup: "DNS-Prod"), "Networking"),
        ("glob anchors at the start", CostCenterFacts(resourceGroup: "mydns-prod"), "Unassigned"),
        ("subscription, case-insensitive", CostCenterFacts(subscription: "46a62ece-10ad-42e5-b3f1-b2ed53e6fc08"), "Operations"),
        ("customer", CostCenterFacts(customer: "Contoso-ID"), "Contoso"),
        ("user before user tag", CostCenterFacts(userName: "jdoe", userTags: ["costCenter:Ops"]), "GIS"),
        ("user tag with $value", CostCenterFacts(userName: "asmith", userTags: ["org:x", "CostCenter: Ops "]), "Ops"),
        ("first rule wins", CostCenterFacts(resourceGroup: "dns-1", subscription: "46a62ece-10ad-42e5-b3f1-b2ed53e6fc08"), "Networking"),
        ("nothing matches", CostCenterFacts(userName: "nobody"), "Unassigned"),
    ]

    @Test(arguments: cases)
    func rules(_ name: String, facts: CostCenterFacts, expected: String) {
        #expect(Self.mappings.assign(facts) == expected, "\(name)")
    }

    @Test func anExplicitTagRuleTakesThePlaceOfTheImplicitOne() {
        let rules = CostCenterRules(rules: [
            CostCenterRule(.resourceGroup(glob: "dns-*"), costCenter: "Networking"),
            CostCenterRule(.tag(keys: ["costCenter"], value: nil), costCenter: "$value"),
        ])
        let tagged = CostCenterFacts(resourceTags: [Tag(key: "costcenter", value: "Finance")], resourceGroup: "dns-prod")
        #expect(rules.assign(tagged) == "Networking")
        #expect(rules.assign(CostCenterFacts(resourceTags: tagged.resourceTags, resourceGroup: "web")) == "Finance")
        // Only the configured key: the default keys are no longer looked up for resource tags.
        #expect(rules.assign(CostCenterFacts(resourceTags: [Tag(key: "cost-center", value: "Legal")])) == "Unassigned")
    }

    @Test func aRuleOnAnotherTagKeyLeavesTheImplicitLookupFirst() {
        let rules = CostCenterRules(rules: [
            CostCenterRule(.resourceGroup(glob: "web"), costCenter: "Web"),
            CostCenterRule(.tag(keys: ["env"], value: "Prod"), costCenter: "Production"),
        ])
        #expect(rules.effectiveRules.count == 4)
        let facts = CostCenterFacts(resourceTags: [Tag(key: "env", value: "Prod"), Tag(key: "costcenter", value: "Fin")], resourceGroup: "web")
        #expect(rules.assign(facts) == "Fin")
        #expect(rules.assign(CostCenterFacts(resourceTags: [Tag(key: "env", value: "Prod")])) == "Production")
    }

    @Test func tagKeysAreTriedInTheirConfiguredOrder() {
        let rules = CostCenterRules(tagKeys: ["cost-center", "costCenter"], defaultCostCenter: "None")
        let facts = CostCenterFacts(resourceTags: [Tag(key: "costCenter", value: "A"), Tag(key: "Cost-Center", value: "B")])
        #expect(rules.assign(facts) == "B")
        #expect(rules.assign(CostCenterFacts()) == "None")
        #expect(CostCenterRules(tagKeys: []).assign(facts) == "Unassigned")
    }

    @Test func tagRuleWithAValueAndAFixedName() {
        let rules = CostCenterRules(rules: [CostCenterRule(.tag(keys: ["env"], value: "Prod"), costCenter: "Production")])
        #expect(rules.assign(CostCenterFacts(resourceTags: [Tag(key: "Env", value: "Prod")])) == "Production")
        #expect(rules.assign(CostCenterFacts(resourceTags: [Tag(key: "Env", value: "prod")])) == "Unassigned")
    }

    @Test func valueStandsForTheMatchedResourceGroup() {
        let rules = CostCenterRules(rules: [CostCenterRule(.resourceGroup(glob: "*"), costCenter: "rg:$value")])
        #expect(rules.assign(CostCenterFacts(resourceGroup: "Web-Prod")) == "rg:Web-Prod")
    }

    static let globs: [(String, String, Bool)] = [
        ("dns-*", "dns-", true), ("dns-*", "DNS-zone", true), ("dns-*", "dn", false), ("*-prod", "web-prod", true),
        ("rg-??", "rg-01", true), ("rg-??", "rg-1", false), ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXbYY", false),
        ("*", "", true), ("", "", true), ("", "x", false), ("web", "WEB", true),
    ]

    @Test(arguments: globs)
    func glob(_ pattern: String, text: String, matches: Bool) {
        #expect(Glob.matches(pattern, text) == matches)
    }

    static let spellings: [(String, [String: Int], String)] = [
        ("most common wins", ["Ops": 2, "OPS": 3, "ops": 1], "OPS"),
        ("a tie goes to the first in sort order", ["Ops": 2, "OPS": 2], "OPS"),
        ("one spelling", ["Unassigned": 7], "Unassigned"),
    ]

    @Test(arguments: spellings)
    func mostCommonSpelling(_ name: String, counts: [String: Int], expected: String) {
        #expect(CostCenterNames.displayName(counts) == expected, "\(name)")
        #expect(Set(counts.keys.map(CostCenterNames.key)).count == 1)
    }

    static let tagTexts: [(String, String, [Tag])] = [
        ("an Azure tags object, keys sorted", #"{"b":"2","CostCenter":"Ops","n":5,"x":null}"#,
         [Tag(key: "CostCenter", value: "Ops"), Tag(key: "b", value: "2"), Tag(key: "n", value: "5")]),
        ("ArcGIS item tags", #"["costCenter:GIS","plain"]"#, [Tag(key: "costCenter", value: "GIS")]),
        ("empty object", "{}", []),
        ("not JSON", "{oops", []),
    ]

    @Test(arguments: tagTexts)
    func tagsFromJSON(_ name: String, text: String, expected: [Tag]) {
        #expect(CostCenterFacts.tags(fromJSON: text) == expected, "\(name)")
    }
}
