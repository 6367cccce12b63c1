import Foundation
import WarehouseCore

/// A synthetic ArcGIS Online organization, generated from a seed: users (sorted by username,
/// tagged `costCenter:…`, with credit budgets or none), items (hosted feature services with
/// attachments, views of size 0, files; some reported as `size: -1` by search), and credit usage
/// per user, service type and day as a pure function of (seed, user, service, day), so the
/// ground truth of any window is computed, never stored.
///
/// One user, `storage.fixture`, owns a fixed set of items whose storage credits tests compute by hand.
public struct ArcGISOrganization: Sendable {
    public struct User: Sendable {
        public let username: String
        public let fullName: String
        public let email: String
        public let role: String
        public let tags: [String]
        public let createdMs: Int64
        /// Credit budget (whole credits); nil when the org has budgeting off.
        public let assignedCredits: Int?
        public let availableCredits: Int?
        let index: Int
    }

    public struct Item: Sendable {
        public let id: String
        public let owner: String
        public let title: String
        public let type: String
        public let typeKeywords: [String]
        public let tags: [String]
        /// Feature (database) bytes; for files and tiles, all their bytes.
        public let featureBytes: Int64
        /// Attachment bytes of a hosted feature service (included in `size`, as AGOL does).
        public let attachmentBytes: Int64
        /// Search answers `size: -1` for this item (arcgis-python-api #43); `content/items/{id}` has the truth.
        public let sizeHiddenInSearch: Bool
        public var size: Int64 { featureBytes + attachmentBytes }
    }

    /// `<etype>.<stype>` services that consume credits, as the usage API groups them.
    public static let services: [(etype: String, stype: String)] = [
        ("svcusg", "geoenrich"), ("svcusg", "spanalysis"), ("geocodecnt", "geocode"), ("svcusg", "nasimpleroute"),
    ]

    /// The sandbox's credentials (sandbox-only values, safe to print).
    public static let adminUsername = "sandbox_admin"
    public static let adminPassword = "sandbox-arcgis-password-0001"
    public static let clientID = "sandboxArcGISApp01"
    /// The user whose items are the storage fixture (see `fixtureItems`).
    public static let fixtureUsername = "storage.fixture"

    public let seed: UInt64
    public let id: String
    public let urlKey: String
    public let name: String
    public let budgeting: Bool
    /// Users sorted by username (the users endpoint's `sortField=username` order).
    public let users: [User]
    public let items: [Item]
    /// Share of (user, service) pairs with any usage, per mille.
    let activePermille: Int
    /// Incidents planted in the usage (`--incidents`; see `Incidents.swift`); nil: none.
    public var incidents: SandboxIncidents?

    static let firstNames = ["ana", "ben", "carla", "dev", "emma", "farid", "grace", "hiro", "ines", "jon", "kofi", "lena", "mia", "nils", "omar", "priya", "sam", "tara"]
    static let lastNames = ["smith", "garcia", "chen", "okafor", "novak", "silva", "kim", "berg", "rossi", "haddad", "ito", "murphy"]
    static let costCenters = ["Planning", "Utilities", "Transport", "Parks", "Police", "GIS"]

    public init(seed: UInt64 = 42, users count: Int = 250, budgeting: Bool = true, activePermille: Int = 60) {
        self.seed = seed
        self.budgeting = budgeting
        self.activePermille = activePermille
        var rng = SplitMix64(seed: seed, 20)
        id = "Sbx" + String(rng.next(), radix: 36).leftPad(13)
        urlKey = "sandbox\(seed)"
        name = "Sandbox County GIS"
        var list: [User] = []
        list.reserveCapacity(count + 2)
        let created0: Int64 = 1_420_070_400_000  // 2015-01-01
        func user(_ username: String, _ index: Int, role: String, costCenter: String) -> User {
            var r = SplitMix64(seed: seed, 23, UInt64(index))
            let assigned = budgeting ? 100 * (1 + r.below(50)) : nil
            return User(
                username: username, fullName: username.replacingOccurrences(of: ".", with: " ").capitalized,
                email: "\(username)@sandbox.example", role: role, tags: ["costCenter:\(costCenter)", "staff"],
                createdMs: created0 + Int64(index) * 3_600_000, assignedCredits: assigned,
                availableCredits: assigned.map { $0 - r.below($0 + 1) }, index: index)
        }
        list.append(user(Self.adminUsername, 0, role: "org_admin", costCenter: "GIS"))
        list.append(user(Self.fixtureUsername, 1, role: "org_publisher", costCenter: "Planning"))
        for i in 2..<max(2, count) {
            var r = SplitMix64(seed: seed, 21, UInt64(i))
            let username = "\(r.pick(Self.firstNames)).\(r.pick(Self.lastNames))\(i)"
            list.append(user(username, i, role: r.chance(30) ? "org_admin" : (r.chance(200) ? "org_publisher" : "org_user"), costCenter: r.pick(Self.costCenters)))
        }
        users = list.sorted { $0.username < $1.username }
        items = Self.fixtureItems + Self.makeItems(seed: seed, users: list)
    }

    /// The storage fixture: a hosted feature service of 30 MiB of features and 2 GiB of
    /// attachments (search says `size: -1`), a view of it (size 0), and a 512 MiB PDF.
    public static let fixtureItems: [Item] = [
        Item(
            id: "f1x7a0000000000000000000000000001", owner: fixtureUsername, title: "Parcels", type: "Feature Service",
            typeKeywords: ["ArcGIS Server", "Data", "Feature Access", "Feature Service", "Service", "Hosted Service"],
            tags: ["costCenter:Planning"], featureBytes: 31_457_280, attachmentBytes: 2_147_483_648, sizeHiddenInSearch: true),
        Item(
            id: "f1x7a0000000000000000000000000002", owner: fixtureUsername, title: "Parcels (view)", type: "Feature Service",
            typeKeywords: ["ArcGIS Server", "Data", "Feature Access", "Feature Service", "Service", "Hosted Service", "View Service"],
            tags: ["costCenter:Planning"], featureBytes: 0, attachmentBytes: 0, sizeHiddenInSearch: false),
        Item(
            id: "f1x7a0000000000000000000000000003", owner: fixtureUsername, title: "Zoning plan", type: "PDF",
            typeKeywords: ["Data", "Document", "PDF"], tags: ["costCenter:Planning"], featureBytes: 536_870_912, attachmentBytes: 0,
            sizeHiddenInSearch: false),
    ]

    static func makeItems(seed: UInt64, users: [User]) -> [Item] {
        var items: [Item] = []
        for user in users where user.index >= 2 {
            var r = SplitMix64(seed: seed, 24, UInt64(user.index))
            guard r.chance(40) else { continue }
            let id = String(r.next(), radix: 16).leftPad(16) + String(r.next(), radix: 16).leftPad(16)
            if r.chance(600) {
                items.append(
                    Item(
                        id: id, owner: user.username, title: "Layer \(user.index)", type: "Feature Service",
                        typeKeywords: ["Data", "Feature Access", "Feature Service", "Service", "Hosted Service"], tags: user.tags,
                        featureBytes: Int64(1 + r.below(200)) * 1_048_576, attachmentBytes: r.chance(500) ? Int64(r.below(3000)) * 1_048_576 : 0,
                        sizeHiddenInSearch: r.chance(300)))
            } else {
                items.append(
                    Item(
                        id: id, owner: user.username, title: "Document \(user.index)", type: "CSV", typeKeywords: ["Data", "CSV"],
                        tags: [], featureBytes: Int64(1 + r.below(500)) * 1_048_576, attachmentBytes: 0, sizeHiddenInSearch: false))
            }
        }
        return items
    }

    // MARK: Usage

    /// Credits of `user` for service `service` on `day` (days since 1970), in units of 1e-4 credits.
    func usageUnits(user: Int, service: Int, day: Int64) -> Int {
        generatedUnits(user: user, service: service, day: day) + (incidents?.extraUnits(self, user: user, service: service, day: day) ?? 0)
    }

    func generatedUnits(user: Int, service: Int, day: Int64) -> Int {
        var pair = SplitMix64(seed: seed, 25, UInt64(user), UInt64(service))
        guard pair.chance(activePermille) else { return 0 }
        var r = SplitMix64(seed: seed, 26, UInt64(user), UInt64(service), UInt64(bitPattern: day))
        guard r.chance(300) else { return 0 }
        // Small values come out as `2.0E-4`, as the real service writes them.
        return r.chance(200) ? 1 + r.below(9) : 1 + r.below(200_000)
    }

    /// Whether (user, service) has any usage at all (cheap pre-check).
    func isActive(user: Int, service: Int) -> Bool {
        var pair = SplitMix64(seed: seed, 25, UInt64(user), UInt64(service))
        return pair.chance(activePermille)
    }

    /// The ground truth: credits per username and `<etype>.<stype>` for the days in `[start, end)`.
    public func credits(from start: UTCTime, to end: UTCTime) -> [String: [String: Decimal]] {
        var out: [String: [String: Decimal]] = [:]
        let first = start.startOfDay.seconds / 86_400, last = (end.seconds + 86_399) / 86_400
        for user in users {
            for (s, service) in Self.services.enumerated() where isActive(user: user.index, service: s) {
                var units = 0
                for day in first..<last { units += usageUnits(user: user.index, service: s, day: day) }
                if units > 0 { out[user.username, default: [:]]["\(service.etype).\(service.stype)"] = Decimal(units) / 10_000 }
            }
        }
        return out
    }

    /// `units` × 1e-4 as the usage API writes values: `2.0E-4` below 0.001, else plain decimals.
    static func valueText(_ units: Int) -> String {
        if units == 0 { return "0.0" }
        if units < 10 { return "\(units).0E-4" }
        return "\(units / 10_000).\(String(units % 10_000).leftPad(4))"
    }
}
