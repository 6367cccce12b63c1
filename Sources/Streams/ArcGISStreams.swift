import Extract
import Foundation
import Transform
import WarehouseCore

/// ArcGIS Online: `portals/self` (org credits), users (credit budgets), items (storage) as
/// snapshots of their day, and credit usage by day.
/// https://developers.arcgis.com/rest/users-groups-and-items/portal-self/
extension StreamSpec {
    public static let agolSelf = StreamSpec(
        name: "agol-self", defaultSource: "arcgis", stream: "portal", window: .snapshot, reprice: .none, replaces: .snapshotDay
    ) { data, file, options, now in
        Normalize.arcgisPortal(try ArcGISPortal.decode(data, file: file), source: options.sourceName, asOf: (options.asOf ?? now).startOfDay)
    }

    /// Users carry the tags cost-center rules read: every month is repriced.
    public static let agolUsers = StreamSpec(
        name: "agol-users", defaultSource: "arcgis", stream: "users", window: .snapshot, reprice: .everyMonth, replaces: .snapshotDay
    ) { data, file, options, now in
        Normalize.arcgisUsers(
            try ArcGISUsersPage.decode(data, file: file), source: options.sourceName, org: options.org, asOf: (options.asOf ?? now).startOfDay)
    }

    /// An item page loaded with `attachmentBytes` (one hosted feature service, its attachments
    /// read from its layers' queryAttachments) splits its `size` into features and attachments.
    public static let agolItems = StreamSpec(
        name: "agol-items", defaultSource: "arcgis", stream: "items", window: .snapshot, reprice: .monthsTouched, replaces: .snapshotDay
    ) { data, file, options, now in
        var page = try ArcGISItemsPage.decode(data, file: file)
        if let attachments = options.attachmentBytes, page.items.count == 1 { page.items[0].attachmentBytes = attachments }
        return try Normalize.arcgisItems(page, source: options.sourceName, org: options.org, asOf: (options.asOf ?? now).startOfDay, file: file)
    }

    /// https://developers.arcgis.com/rest/enterprise-administration/portal/usage-reports/
    public static let agolUsage = StreamSpec(
        name: "agol-usage", defaultSource: "arcgis", stream: "usage", window: .daily(perSubscription: false), reprice: .monthsTouched,
        replaces: .usageBucket
    ) { data, file, options, _ in
        try Normalize.arcgisUsage(try ArcGISUsageResponse.decode(data, file: file), source: options.sourceName, org: options.org, file: file)
    }
}
