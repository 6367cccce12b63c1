import Foundation
import WarehouseCore

extension ArcGISRoutes {
    /// Users one `assignUserCredits` request may carry (REST doc: at most 100).
    static let maxAssignments = 100

    /// `POST /portals/{orgId}/assignUserCredits` with `userAssignments=[{"username":…,"credits":…}]`
    /// (contracts/agol.md §2): sets each named user's allocation, answers
    /// `{"success":true,"notAssignedUsers":[…]}` with the users it could not assign (unknown
    /// names, negative credits). Budgeting off, more than 100 users, or a body that is not such a
    /// list get the error envelope, and nothing changes.
    /// https://developers.arcgis.com/rest/users-groups-and-items/assign-user-credits/
    func assignUserCredits(_ params: [String: String], _ org: ArcGISOrganization, _ sandbox: SandboxState) -> SandboxResponse {
        guard org.budgeting else {
            return envelope(400, "Credit budgeting is not enabled for this organization.", details: .list(["Enable credit budgeting before assigning credits to users."]))
        }
        guard let text = params["userAssignments"], let data = text.data(using: .utf8),
            let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else {
            return envelope(400, "Unable to assign credits to users.", details: .list(["'userAssignments' must be a JSON array of {username, credits}."]))
        }
        guard list.count <= Self.maxAssignments else {
            return envelope(400, "Unable to assign credits to users.", details: .list(["At most \(Self.maxAssignments) users can be assigned credits in one request."]))
        }
        var notAssigned: [String] = []
        for entry in list {
            let name = entry["username"] as? String ?? ""
            let credits = (entry["credits"] as? NSNumber).flatMap { ExactDecimal.parse($0.stringValue) }
            guard let user = org.users.first(where: { $0.username.caseInsensitiveCompare(name) == .orderedSame }), let credits, credits >= 0,
                sandbox.assignCredits(credits, to: user) != nil
            else {
                notAssigned.append(name)
                continue
            }
        }
        var w = JSONWriter()
        w.beginObject()
        w.member("success", true)
        w.array("notAssignedUsers") { a in for name in notAssigned { a.string(name) } }
        w.endObject()
        return .json(200, w)
    }
}

extension ArcGISRoutes {
    /// `POST /portals/self/createNotification` with `users` (comma-separated usernames), `subject`,
    /// `message` and `notificationChannelType` (`email`, `builtin` or `push`): keeps the
    /// notification in the sandbox's outbox and answers `{"success":true}`. A missing message or
    /// users, an unknown channel or an unknown user get the error envelope, and nothing is kept.
    func createNotification(_ params: [String: String], _ org: ArcGISOrganization, _ sandbox: SandboxState) -> SandboxResponse {
        let users = (params["users"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let channel = params["notificationChannelType"] ?? "builtin"
        guard let message = params["message"], !message.isEmpty, !users.isEmpty, ["email", "builtin", "push"].contains(channel) else {
            return envelope(400, "Unable to create notification.", details: .list(["'users', 'message' and a notificationChannelType of email, builtin or push are required."]))
        }
        let unknown = users.filter { name in !org.users.contains { $0.username.caseInsensitiveCompare(name) == .orderedSame } }
        guard unknown.isEmpty else {
            return envelope(400, "Unable to create notification.", details: .list(["Users not found: \(unknown.joined(separator: ", "))."]))
        }
        sandbox.deliver(ArcGISNotification(users: users, subject: params["subject"] ?? "", message: message, channel: channel))
        var w = JSONWriter()
        w.beginObject()
        w.member("success", true)
        w.endObject()
        return .json(200, w)
    }
}
