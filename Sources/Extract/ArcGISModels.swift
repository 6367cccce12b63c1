import Foundation
import WarehouseCore

/// ArcGIS Online (sharing REST API) documents. Every reader first checks for the error envelope
/// that comes with HTTP 200 and throws `DocumentError` carrying the `ArcGISError` text (code first).
/// See https://developers.arcgis.com/rest/users-groups-and-items/
public enum ArcGIS {
    /// Decodes an ArcGIS body, failing with the envelope's error (code and message) when it is one.
    static func decode<T>(_ data: Data, file: String, _ body: (JSONNode) throws -> T) throws -> T {
        let root = JSONNode(try DocumentReader.json(data, file: file))
        do {
            try DocumentReader.checkArcGISError(root)
        } catch let error as ArcGISError {
            throw error.at(file)
        }
        do {
            return try body(root)
        } catch let error as DocumentError {
            throw error.named(file)
        }
    }

    /// Epoch milliseconds (a number or a numeric string) as UTC; nil for -1 ("never").
    static func time(_ node: JSONNode?) throws -> UTCTime? {
        guard let node else { return nil }
        let ms = try node.int64()
        if ms < 0 { return nil }
        return UTCTime(seconds: ms / 1000)
    }
}

/// `GET /sharing/rest/portals/self`.
/// See https://developers.arcgis.com/rest/users-groups-and-items/portal-self/
public struct ArcGISPortal: Sendable, Equatable {
    public var id: String
    public var urlKey: String?
    public var customBaseURL: String?
    public var name: String?
    /// Top-level `availableCredits` (e.g. `5.0018196E7`), else `subscriptionInfo.availableCredits`.
    public var availableCredits: Decimal?
    public var maxUsers: Int64?
    /// `creditAssignments == "enabled"`.
    public var creditBudgeting: Bool

    public static func decode(_ data: Data, file: String) throws -> ArcGISPortal {
        try ArcGIS.decode(data, file: file) { root in
            let subscription = try root.optional("subscriptionInfo")
            return ArcGISPortal(
                id: try root.requiredString("id"), urlKey: try root.optionalString("urlKey"),
                customBaseURL: try root.optionalString("customBaseUrl"), name: try root.optionalString("name"),
                availableCredits: try root.optionalDecimal("availableCredits") ?? subscription?.optionalDecimal("availableCredits"),
                maxUsers: try subscription?.optionalInt64("maxUsers"),
                creditBudgeting: try root.optionalString("creditAssignments")?.lowercased() == "enabled")
        }
    }
}

/// `GET /sharing/rest/portals/{orgId}/users`: `{total,start,num,nextStart,users:[...]}`.
public struct ArcGISUsersPage: Sendable, Equatable {
    public struct User: Sendable, Equatable {
        public var username: String
        public var fullName: String?
        public var email: String?
        public var role: String?
        public var tags: [String]
        /// Null (or absent) when the org has credit budgeting off.
        public var assignedCredits: Decimal?
        public var availableCredits: Decimal?
        public var created: UTCTime?
        public var orgID: String?
        public var disabled: Bool
    }

    public var total: Int64?
    public var start: Int64?
    public var num: Int64?
    /// -1 on the last page.
    public var nextStart: Int64?
    public var users: [User]

    public static func decode(_ data: Data, file: String) throws -> ArcGISUsersPage {
        try ArcGIS.decode(data, file: file) { root in
            ArcGISUsersPage(
                total: try root.optionalInt64("total"), start: try root.optionalInt64("start"), num: try root.optionalInt64("num"),
                nextStart: try root.optionalInt64("nextStart"),
                users: try root.requiredArray("users").map { user in
                    User(
                        username: try user.requiredString("username"), fullName: try user.optionalString("fullName"),
                        email: try user.optionalString("email"), role: try user.optionalString("role"),
                        tags: try user.optionalStrings("tags"), assignedCredits: try credits(user.optional("assignedCredits")),
                        availableCredits: try credits(user.optional("availableCredits")),
                        created: try ArcGIS.time(user.optional("created")), orgID: try user.optionalString("orgId"),
                        disabled: try user.optional("disabled")?.bool() ?? false)
                })
        }
    }

    /// A budget value; `NaN` (which some clients write) reads as "no budget".
    static func credits(_ node: JSONNode?) throws -> Decimal? {
        guard let node else { return nil }
        if case .string(let s) = node.value, s.lowercased() == "nan" || s.isEmpty { return nil }
        return try node.decimal()
    }
}

/// `GET /sharing/rest/search` (`results`), `content/portals/{orgId}` (`items`), or one item
/// (`content/items/{id}`, the true `size` of an item search reports as -1).
public struct ArcGISItemsPage: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var id: String
        public var owner: String
        public var title: String?
        public var type: String?
        public var typeKeywords: [String]
        public var tags: [String]
        /// Bytes; nil when the search reported -1 (unknown: the item must be fetched).
        public var size: Int64?
        /// Attachment bytes of a hosted feature service, when known: no item document carries
        /// them (an item's `size` includes them); the layers' `queryAttachments` tells them
        /// (`ArcGISClient.attachmentBytes(serviceURL:)`, `ImportOptions.attachmentBytes`).
        public var attachmentBytes: Int64?
        public var url: String?
        public var orgID: String?
    }

    public var total: Int64?
    public var start: Int64?
    public var num: Int64?
    public var nextStart: Int64?
    public var items: [Item]

    public static func decode(_ data: Data, file: String) throws -> ArcGISItemsPage {
        try ArcGIS.decode(data, file: file) { root in
            // Search (`results`), content/portals (`items`), or one item from `content/items/{id}`.
            let list: [JSONNode]
            if try root.optional("results") != nil {
                list = try root.requiredArray("results")
            } else if try root.optional("items") == nil, try root.optional("id") != nil, try root.optional("owner") != nil {
                list = [root]
            } else {
                list = try root.requiredArray("items")
            }
            return ArcGISItemsPage(
                total: try root.optionalInt64("total"), start: try root.optionalInt64("start"), num: try root.optionalInt64("num"),
                nextStart: try root.optionalInt64("nextStart"),
                items: try list.map { item in
                    let size = try item.optionalInt64("size")
                    return Item(
                        id: try item.requiredString("id"), owner: try item.requiredString("owner"),
                        title: try item.optionalString("title"), type: try item.optionalString("type"),
                        typeKeywords: try item.optionalStrings("typeKeywords"), tags: try item.optionalStrings("tags"),
                        size: size.flatMap { $0 < 0 ? nil : $0 }, attachmentBytes: nil,
                        url: try item.optionalString("url"), orgID: try item.optionalString("orgId"))
                })
        }
    }
}

/// `GET /sharing/rest/portals/{orgId}/usage`: `{startTime,endTime,period,data:[row]}`; each row
/// carries its `groupby` keys (username, stype, etype, name, userOrgId, ...) and one array per
/// requested var of `[timestampMsString, valueString]` (values possibly `2.0E-4`).
public struct ArcGISUsageResponse: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var time: UTCTime
        public var value: Decimal
    }

    public struct Row: Sendable, Equatable {
        /// The row's string members: its groupby keys.
        public var keys: [String: String]
        /// Each var's series (`credits`, `num`, `stg`, ...), in document order.
        public var series: [String: [Point]]

        public var username: String? { keys["username"] }
        public var stype: String? { keys["stype"] }
        public var etype: String? { keys["etype"] }
        public var name: String? { keys["name"] }
        public var userOrgID: String? { keys["userOrgId"] }
    }

    public var startTime: UTCTime?
    public var endTime: UTCTime?
    /// `1h`, `1d`, `1w` or `1m`.
    public var period: String?
    public var rows: [Row]

    public static func decode(_ data: Data, file: String) throws -> ArcGISUsageResponse {
        try ArcGIS.decode(data, file: file) { root in
            ArcGISUsageResponse(
                startTime: try ArcGIS.time(root.optional("startTime")), endTime: try ArcGIS.time(root.optional("endTime")),
                period: try root.optionalString("period"),
                rows: try root.requiredArray("data").map { row in
                    var keys: [String: String] = [:]
                    var series: [String: [Point]] = [:]
                    for member in try row.object().members {
                        let node = JSONNode(member.value, path: row.child(member.key))
                        switch member.value {
                        case .string(let s): keys[member.key] = s
                        case .array(let pairs):
                            series[member.key] = try pairs.enumerated().map { offset, pair in
                                try point(JSONNode(pair, path: "\(node.path)[\(offset)]"))
                            }
                        case .number(let n): keys[member.key] = n
                        default: continue
                        }
                    }
                    return Row(keys: keys, series: series)
                })
        }
    }

    static func point(_ node: JSONNode) throws -> Point {
        let pair = try node.array()
        guard pair.count == 2 else { throw node.problem("expected [timestamp, value], found \(pair.count) elements") }
        guard let time = try ArcGIS.time(pair[0]) else { throw pair[0].problem("expected a timestamp in milliseconds") }
        return Point(time: time, value: try pair[1].decimal())
    }
}
