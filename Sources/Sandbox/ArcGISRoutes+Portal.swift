import Foundation
import WarehouseCore

/// The sharing API's self-description, which Esri's own clients read before anything else
/// (`arcgis` asks `info` for its token service, the root for the version, `portals/self` for the
/// org and the signed-in user).
extension ArcGISRoutes {
    /// The version the sandbox claims (ArcGIS Online answers a year-and-release string).
    static let currentVersion = "2025.3"

    /// `GET /sharing/rest/info`, without a token: where tokens come from and that they are needed.
    /// https://developers.arcgis.com/rest/users-groups-and-items/info/
    func info(_ request: SandboxRequest) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("owningSystemUrl", request.origin)
        w.object("authInfo") { a in
            a.member("tokenServicesUrl", "\(request.origin)/sharing/rest/generateToken")
            a.member("isTokenBasedSecurity", true)
        }
        w.endObject()
        return .json(200, w)
    }

    /// `GET /sharing/rest`: the root resource, `currentVersion`.
    /// https://developers.arcgis.com/rest/users-groups-and-items/root/
    func root() -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("currentVersion", Self.currentVersion)
        w.endObject()
        return .json(200, w)
    }

    /// `GET /portals/self`: the org as the signed-in user sees it, with `user` (that user) — an
    /// ArcGIS Online org is `portalMode: multitenant`, `isPortal: false`, `portalName: ArcGIS Online`.
    /// https://developers.arcgis.com/rest/users-groups-and-items/portal-self/
    func portal(_ org: ArcGISOrganization, user: ArcGISOrganization.User?, _ request: SandboxRequest, _ sandbox: SandboxState) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("id", org.id)
        w.member("urlKey", org.urlKey)
        w.member("customBaseUrl", "maps.arcgis.com")
        w.member("name", org.name)
        w.member("portalName", "ArcGIS Online")
        w.member("portalMode", "multitenant")
        w.member("isPortal", false)
        w.member("currentVersion", Self.currentVersion)
        w.member("portalHostname", request.origin.components(separatedBy: "://").last ?? "127.0.0.1")
        w.member("availableCredits", number: "5.0018196E4")
        w.member("creditAssignments", org.budgeting ? "enabled" : "disabled")
        w.member("defaultUserCreditAssignment", -1)
        w.member("allSSL", true)
        w.member("supportsOAuth", true)
        // Only the admins with MFA on: not the admin list (seed bug 5 read it as one).
        w.array("mfaAdmins") { a in
            a.beginObject()
            a.member("username", ArcGISOrganization.adminUsername)
            a.endObject()
        }
        w.object("subscriptionInfo") { sub in
            sub.member("type", "In Use")
            sub.member("expDate", 1_893_456_000_000)
            sub.member("maxUsers", max(org.users.count, 100))
            sub.member("availableCredits", number: "5.0018196E4")
        }
        if let user {
            w.key("user")
            userJSON(&w, user, org: org, sandbox, full: true)
        }
        w.endObject()
        return .json(200, w)
    }

    /// `GET /community/users/{username}`: one user. An unknown name is the 400 envelope AGOL sends.
    /// https://developers.arcgis.com/rest/users-groups-and-items/user/
    func communityUser(_ name: String, _ org: ArcGISOrganization, _ sandbox: SandboxState) -> SandboxResponse {
        guard let user = org.users.first(where: { $0.username.caseInsensitiveCompare(name) == .orderedSame }) else {
            return envelope(400, "User not found", details: .list(["User '\(name)' does not exist or is inaccessible."]))
        }
        var w = JSONWriter()
        userJSON(&w, user, org: org, sandbox, full: true)
        return .json(200, w)
    }

    /// `GET|POST /community/users?q&start&num`: the user search (`accountid:`/`orgid:` the org,
    /// `username:` a name; other terms ignored), paged like every portal list, in `results`.
    /// https://developers.arcgis.com/rest/users-groups-and-items/user-search/
    func userSearch(_ params: [String: String], _ org: ArcGISOrganization, _ sandbox: SandboxState) -> SandboxResponse {
        let terms = ItemQuery(params["q"] ?? "").terms
        let list = org.users.filter { user in
            terms.allSatisfy { term in
                let match: Bool
                switch term.field {
                case "accountid"?, "orgid"?: match = org.id.lowercased() == term.value
                case "username"?: match = user.username.lowercased() == term.value
                default: match = true
                }
                return match != term.negated
            }
        }
        let window = PageWindow(params, total: list.count)
        if let error = window.error { return envelope(400, "Unable to page beyond the first 10000 results.", details: .list([error])) }
        var w = JSONWriter(capacity: 400 * window.range.count + 128)
        w.beginObject()
        w.member("query", params["q"] ?? "")
        window.write(&w)
        w.array("results") { a in
            for u in list[window.range] { userJSON(&a, u, org: org, sandbox, full: false) }
        }
        w.endObject()
        return .json(200, w)
    }

    /// A user as the users pages and `community/users/{username}` write it; `full` adds what the
    /// single-user resource has beyond a page row (`privileges`, `level`, `storageUsage`, ...).
    func userJSON(_ a: inout JSONWriter, _ u: ArcGISOrganization.User, org: ArcGISOrganization, _ sandbox: SandboxState, full: Bool) {
        a.beginObject()
        a.member("username", u.username)
        a.member("id", String(FNV1a.hash(u.username), radix: 16))
        a.member("fullName", u.fullName)
        a.member("email", u.email)
        a.member("role", u.role)
        a.array("tags") { t in for tag in u.tags { t.string(tag) } }
        a.member("created", number: String(u.createdMs))
        a.member("lastLogin", -1)
        a.member("orgId", org.id)
        a.member("disabled", false)
        if let budget = sandbox.arcgisBudget(u) {
            a.member("assignedCredits", number: ExactDecimal.format(budget.assigned))
            a.member("availableCredits", number: ExactDecimal.format(budget.available))
        } else {
            a.key("assignedCredits"); a.null()
            a.key("availableCredits"); a.null()
        }
        if full {
            a.member("firstName", String(u.fullName.split(separator: " ").first ?? ""))
            a.member("lastName", String(u.fullName.split(separator: " ").dropFirst().joined(separator: " ")))
            a.member("level", "2")
            a.member("userType", "arcgisonly")
            a.member("userLicenseTypeId", "creatorUT")
            a.member("provider", "arcgis")
            a.member("access", "org")
            a.member("storageUsage", Int(org.items.filter { $0.owner == u.username }.reduce(0) { $0 + $1.size }))
            a.member("storageQuota", 2_199_023_255_552)
            a.array("privileges") { p in
                for privilege in Self.privileges(role: u.role) { p.string(privilege) }
            }
            a.array("groups") { _ in }
        }
        a.endObject()
    }

    static func privileges(role: String) -> [String] {
        var list = ["portal:user:createItem", "portal:user:joinGroup", "portal:user:viewOrgItems", "portal:user:viewOrgUsers"]
        if role == "org_publisher" || role == "org_admin" { list += ["portal:publisher:publishFeatures"] }
        if role == "org_admin" {
            list += ["portal:admin:viewUsers", "portal:admin:updateUsers", "portal:admin:viewItems", "portal:admin:manageCredits"]
        }
        return list
    }

    /// `GET /portals/self/users/counts?type=role|userLicenseType|app|appBundle`: users counted by
    /// the asked key, paged like every portal list (`start`, `num`, `nextStart`).
    /// https://developers.arcgis.com/rest/users-groups-and-items/user-counts/
    func userCounts(_ params: [String: String], _ org: ArcGISOrganization) -> SandboxResponse {
        let type = params["type"] ?? "role"
        var counts: [(String, Int)] = []
        switch type.lowercased() {
        case "role":
            for role in ["org_admin", "org_publisher", "org_user"] {
                let n = org.users.filter { $0.role == role }.count
                if n > 0 { counts.append((role, n)) }
            }
        case "userlicensetype": counts = [("creatorUT", org.users.count)]
        default: counts = []
        }
        var w = JSONWriter()
        w.beginObject()
        w.member("total", counts.count)
        w.member("start", 1)
        w.member("num", counts.count)
        w.member("nextStart", -1)
        w.array("results") { a in
            for (key, count) in counts {
                a.beginObject()
                a.member("key", key)
                a.member("count", count)
                a.endObject()
            }
        }
        w.endObject()
        return .json(200, w)
    }

    /// `GET /portals/self/roles`: the org's custom roles. The sandbox has none (only the three
    /// built-in roles, which this resource does not list).
    /// https://developers.arcgis.com/rest/users-groups-and-items/roles/
    func roles() -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("total", 0)
        w.member("start", 1)
        w.member("num", 0)
        w.member("nextStart", -1)
        w.array("roles") { _ in }
        w.endObject()
        return .json(200, w)
    }
}
