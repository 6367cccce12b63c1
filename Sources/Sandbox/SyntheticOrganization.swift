import WarehouseCore

/// A synthetic CSP partner and its customers, generated from a seed: the same seed and shape
/// give the same organization on every run. Usage records are never stored: each is a pure
/// function of (seed, subscription, reported day, index), so a window of millions of records
/// costs no memory until a page of it is written.
public struct SyntheticOrganization: Sendable {
    public struct Customer: Sendable {
        public let id: String
        public let tenantID: String
        public let companyName: String
        public let domain: String
        public let subscriptions: [Subscription]
    }

    public struct Subscription: Sendable {
        public let id: String
        public let offerID: String
        public let offerName: String
        public let friendlyName: String
        /// `usage` (Azure, metered) or `license` (seat-based, no utilization).
        public let billingType: String
        public let resources: [Resource]
        let index: Int
    }

    public struct Resource: Sendable {
        public let uri: String
        public let location: String
        public let tags: [(String, String)]?
        let meters: [Int]
    }

    public let seed: UInt64
    public let recordsPerDay: Int
    public let customers: [Customer]
    /// Direct (pay-as-you-go) subscriptions, served by the Azure Commerce API.
    public let directSubscriptions: [Subscription]
    /// Incidents planted in the usage (`--incidents`; see `Incidents.swift`); nil: none.
    public var incidents: SandboxIncidents?

    /// `customers` CSP customers with `usageSubscriptionsPerCustomer` Azure subscriptions and one
    /// license subscription each, plus `directSubscriptions` direct ones; `recordsPerDay` usage
    /// records reported per Azure subscription per day.
    public init(seed: UInt64, customers: Int = 3, usageSubscriptionsPerCustomer: Int = 2, directSubscriptions: Int = 2, recordsPerDay: Int = 40) {
        self.seed = seed
        self.recordsPerDay = max(1, recordsPerDay)
        var rng = SplitMix64(seed: seed, 1)
        var subscriptionIndex = 0
        func makeSubscription(_ rng: inout SplitMix64, usage: Bool) -> Subscription {
            let id = rng.guid().uppercased()
            defer { subscriptionIndex += 1 }
            return Subscription(
                id: id, offerID: usage ? "MS-AZR-0145P" : "91FD106F-4B2C-4938-95AC-F54F74E9A239",
                offerName: usage ? "Microsoft Azure" : "Office 365 Business Essentials",
                friendlyName: usage ? "Azure \(Self.names[rng.below(Self.names.count)])" : "Office 365",
                billingType: usage ? "usage" : "license",
                resources: usage ? Self.makeResources(&rng, subscriptionID: id.lowercased()) : [], index: subscriptionIndex)
        }
        var list: [Customer] = []
        for c in 0..<max(0, customers) {
            let name = Self.companies[c % Self.companies.count] + (c >= Self.companies.count ? " \(c / Self.companies.count + 1)" : "")
            let id = rng.guid()
            let tenant = rng.guid()
            var subs: [Subscription] = []
            for _ in 0..<max(0, usageSubscriptionsPerCustomer) { subs.append(makeSubscription(&rng, usage: true)) }
            subs.append(makeSubscription(&rng, usage: false))
            let domain = name.lowercased().filter { $0.isLetter || $0.isNumber } + ".onmicrosoft.com"
            list.append(Customer(id: id, tenantID: tenant, companyName: name, domain: domain, subscriptions: subs))
        }
        self.customers = list
        var direct: [Subscription] = []
        for _ in 0..<max(0, directSubscriptions) { direct.append(makeSubscription(&rng, usage: true)) }
        self.directSubscriptions = direct
    }

    /// The subscription with `id` (case-insensitive), CSP or direct.
    public func subscription(_ id: String) -> Subscription? {
        let wanted = id.uppercased()
        for customer in customers { if let s = customer.subscriptions.first(where: { $0.id == wanted }) { return s } }
        return directSubscriptions.first { $0.id == wanted }
    }

    public func customer(_ id: String) -> Customer? { customers.first { $0.id.caseInsensitiveCompare(id) == .orderedSame } }

    /// Every usage subscription of every customer, as (customer, subscription).
    public var usageSubscriptions: [(customer: Customer, subscription: Subscription)] {
        customers.flatMap { c in c.subscriptions.filter { $0.billingType == "usage" }.map { (c, $0) } }
    }

    static let companies = ["Contoso", "Fabrikam", "Northwind Traders", "Tailspin Toys", "Wide World Importers", "Adventure Works", "Litware", "Proseware"]
    static let names = ["Production", "Dev/Test", "Analytics", "GIS Platform", "Shared Services"]
    static let groups = ["Production-RG", "prod-rg", "GIS-Data", "gis-data", "NetworkWatcherRG", "analytics", "Web-Frontend", "DEMOUSAGEAPI"]
    static let locations = ["westeurope", "northeurope", "eastus", "westus2"]
    static let tagKeys = ["costCenter", "CostCenter", "cost-center", "costcenter"]
    static let tagValues = ["Operations", "operations", "Finance", "GIS", "Marketing", "R&D"]

    private static func makeResources(_ rng: inout SplitMix64, subscriptionID: String) -> [Resource] {
        let count = 6 + rng.below(10)
        return (0..<count).map { i in
            let kind = rng.pick(MeterCatalogue.kinds)
            let group = rng.pick(groups)
            // Resource-group segment casing varies like the real captures (`resourceGroups` / `resourcegroups`).
            let segment = rng.chance(200) ? "resourcegroups" : "resourceGroups"
            let name = "\(kind.namePrefix)\(String(rng.next() % 100_000, radix: 36))\(i)"
            var tags: [(String, String)]?
            if !rng.chance(250) {  // a quarter of resources are untagged
                tags = [(rng.pick(tagKeys), rng.pick(tagValues))]
                if rng.chance(400) { tags?.append(("environment", rng.pick(["prod", "Prod", "dev"]))) }
            }
            return Resource(
                uri: "/subscriptions/\(subscriptionID)/\(segment)/\(group)/providers/\(kind.provider)/\(name)",
                location: rng.pick(locations), tags: tags, meters: kind.meters)
        }
    }
}
