import Foundation
import Transport
import WarehouseCore

/// One user's new credit allocation: the absolute number of credits assigned, not an increment,
/// so sending the same request twice (a retry after a lost answer) cannot top a user up twice.
public struct CreditAssignment: Sendable, Equatable {
    public var username: String
    public var credits: Decimal

    public init(username: String, credits: Decimal) {
        self.username = username
        self.credits = credits
    }
}

extension ArcGISClient {
    /// Users one `assignUserCredits` request may carry (REST doc: at most 100).
    public static let maxCreditAssignments = 100

    /// `POST portals/{orgId}/assignUserCredits` with `userAssignments=[{"username":…,"credits":…}]`
    /// (form-encoded, token in the body so it never reaches a URL): sets each user's allocation.
    /// Returns the users the service did not assign (`notAssignedUsers`); throws the service's
    /// error envelope (budgeting off, too many users) as `ArcGISError`, and more than
    /// 100 assignments at once as `ArcGISError` before sending anything.
    /// https://developers.arcgis.com/rest/users-groups-and-items/assign-user-credits/
    public func assignUserCredits(orgID: String, _ assignments: [CreditAssignment]) async throws -> [String] {
        guard assignments.count <= Self.maxCreditAssignments else {
            throw ArcGISError("assignUserCredits: \(assignments.count) users in one request; the service takes at most \(Self.maxCreditAssignments)")
        }
        guard !assignments.isEmpty else { return [] }
        let list = "[" + assignments.map { "{\"username\":\(JSONString.quoted($0.username)),\"credits\":\(ExactDecimal.format($0.credits))}" }
            .joined(separator: ",") + "]"
        let url = "\(sharingURL)/portals/\(URLText.encode(orgID))/assignUserCredits"
        let (response, root) = try await call { token in
            HTTPRequest.form(url: url, fields: [("userAssignments", list), ("f", "json"), ("token", token)])
        }
        guard (try? root.optional("success")?.bool()) == true else {
            throw ArcGISError(place: response.url, code: nil, message: "assignUserCredits did not answer success: true")
        }
        // Entries are user names; tolerate {"username": …} objects too.
        return try root.optionalArray("notAssignedUsers").map { node in
            if let name = try? node.string() { return name }
            return try node.requiredString("username")
        }
    }
}
