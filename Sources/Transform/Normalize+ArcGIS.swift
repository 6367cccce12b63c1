import Extract
import Foundation
import WarehouseCore

extension Normalize {
    /// ArcGIS Online storage rates: feature data 2.4 credits per 10 MB per month, file, tile and
    /// attachment storage 1.2 credits per GB per month (MB = 2^20 bytes, GB = 2^30 bytes), prorated
    /// per day by the days in that month.
    /// See https://doc.arcgis.com/en/arcgis-online/administer/credits.htm
    public enum StorageRate {
        public static let featureCreditsPerMonth: Decimal = Decimal(24) / 10
        public static let featureBytesPerUnit: Decimal = 10 * 1_048_576
        public static let fileCreditsPerMonth: Decimal = Decimal(12) / 10
        public static let fileBytesPerUnit: Decimal = 1_073_741_824
        /// Daily credits are rounded to this many decimal places (a division by the days of the
        /// month is rarely exact).
        public static let scale = 10

        /// Credits for one day of `bytes` in a month of `daysInMonth` days.
        public static func featureCreditsPerDay(bytes: Int64, daysInMonth: Int) -> Decimal {
            ExactDecimal.rounded(Decimal(bytes) * featureCreditsPerMonth / (featureBytesPerUnit * Decimal(daysInMonth)), scale: scale)
        }

        public static func fileCreditsPerDay(bytes: Int64, daysInMonth: Int) -> Decimal {
            ExactDecimal.rounded(Decimal(bytes) * fileCreditsPerMonth / (fileBytesPerUnit * Decimal(daysInMonth)), scale: scale)
        }
    }

    /// The meter of an ArcGIS usage row: `<etype>.<stype>` (`svcusg.geoenrich`, `stg.features`);
    /// a row grouped without them is `credits`.
    public static func arcgisMeter(etype: String?, stype: String?) -> String {
        switch (etype?.lowercased(), stype?.lowercased()) {
        case let (e?, s?): return "\(e).\(s)"
        case let (e?, nil): return e
        case let (nil, s?): return s
        case (nil, nil): return "credits"
        }
    }

    /// The `resource_id` of ArcGIS usage: the natural key has no user column, so rows of
    /// different users must differ here: `user:<name>`, `user:<name>/<service>`, `<service>`
    /// (anonymous service use), or '' (org-level).
    public static func arcgisResource(user: String?, name: String?) -> String {
        [user.map { "user:\($0)" }, name].compactMap { $0 }.joined(separator: "/")
    }

    /// The `portals/{orgId}/usage` response: one row per user (or service), service type and
    /// bucket of the `credits` var; zero values are skipped; `stg` values are levels and are
    /// never turned into usage (they would be summed over buckets).
    public static func arcgisUsage(_ response: ArcGISUsageResponse, source: String, org: String?, file: String) throws -> FactBatch {
        guard let org else {
            throw NormalizeError(file: file, message: "a usage response does not name its org: pass --org for this file")
        }
        let period = response.period ?? "1d"
        var batch = FactBatch()
        for row in response.rows {
            guard let credits = row.series["credits"] else { continue }
            for point in credits {
                batch.records += 1
                if point.value.isZero { continue }
                guard let end = bucketEnd(point.time, period: period) else {
                    throw NormalizeError(file: file, message: "unknown period '\(period)', expected 1h, 1d, 1w or 1m")
                }
                var fact = UsageFact(
                    source: source, accountID: org, resourceID: arcgisResource(user: row.username, name: row.name),
                    meterID: arcgisMeter(etype: row.etype, stype: row.stype), usageStart: point.time, usageEnd: end,
                    quantity: point.value, unit: "credits")
                fact.userName = row.username
                batch.add(fact)
            }
        }
        return batch
    }

    static func bucketEnd(_ start: UTCTime, period: String) -> UTCTime? {
        switch period.lowercased() {
        case "1h": return start.adding(seconds: 3600)
        case "1d": return start.adding(days: 1)
        case "1w", "7d": return start.adding(days: 7)
        case "1m": return start.startOfNextMonth
        default: return nil
        }
    }

    /// Items (search results) on day `asOf`: a storage snapshot per item and the day's storage
    /// credits as usage (`stg.features` for feature bytes, `stg.portal` for attachments and files,
    /// `stg.tiles` for hosted tiles), owned by the item's owner and carrying the item's tags
    /// (`costCenter:Ops` as `{"costCenter":"Ops"}`, so tag rules apply to items). An item whose size is unknown
    /// (-1 in search results) is skipped with a warning, never recorded as 0.
    ///
    /// Hosted feature services: `size` includes attachments; their bytes, when known (from the
    /// layers' `queryAttachments`), are split off at the file rate, else all bytes are feature bytes. Views
    /// (size 0) and services that are not hosted cost nothing (`none`).
    public static func arcgisItems(_ page: ArcGISItemsPage, source: String, org: String?, asOf: UTCTime, file: String) throws -> FactBatch {
        var batch = FactBatch()
        let day = asOf.startOfDay
        let (y, m, _) = day.civil
        let days = UTCTime.daysIn(year: y, month: m)
        for item in page.items {
            batch.records += 1
            guard let account = org ?? item.orgID else {
                throw NormalizeError(file: file, message: "item \(item.id) names no org: pass --org for this file")
            }
            guard let size = item.size else {
                batch.warnings.append("item \(item.id) (\(item.title ?? "untitled")): size unknown (-1), skipped; fetch the item")
                continue
            }
            let storageClass = storageClass(item, size: size)
            let attachments = storageClass == "feature" ? min(max(item.attachmentBytes ?? 0, 0), size) : 0
            let featureBytes = storageClass == "feature" ? size - attachments : 0
            batch.storageSnapshots.append(
                StorageSnapshotFact(
                    source: source, itemID: item.id, snapshotDate: day.day, owner: item.owner, itemType: item.type, title: item.title,
                    storageClass: storageClass, sizeBytes: size, featureBytes: featureBytes, attachmentBytes: attachments))
            batch.add(
                ResourceFact(
                    source: source, resourceID: item.id, subscriptionID: nil, resourceGroup: nil, providerType: item.type,
                    name: item.title, location: nil, owner: item.owner, tags: tagObject(item.tags)))
            var charges: [(String, Decimal)] = []
            switch storageClass {
            case "feature":
                charges.append(("stg.features", StorageRate.featureCreditsPerDay(bytes: featureBytes, daysInMonth: days)))
                charges.append(("stg.portal", StorageRate.fileCreditsPerDay(bytes: attachments, daysInMonth: days)))
            case "tile": charges.append(("stg.tiles", StorageRate.fileCreditsPerDay(bytes: size, daysInMonth: days)))
            case "file": charges.append(("stg.portal", StorageRate.fileCreditsPerDay(bytes: size, daysInMonth: days)))
            default: break
            }
            for (meter, credits) in charges where !credits.isZero {
                var fact = UsageFact(
                    source: source, accountID: account, resourceID: item.id, meterID: meter, usageStart: day,
                    usageEnd: day.adding(days: 1), quantity: credits, unit: "credits")
                fact.userName = item.owner
                fact.tags = tagObject(item.tags)
                batch.add(fact)
            }
        }
        return batch
    }

    /// ArcGIS tags (`["costCenter:Ops", "parcels"]`) as a tag object like Azure's:
    /// `key:value` becomes `"key":"value"`, a bare tag `"tag":true` (as FOCUS writes valueless tags).
    public static func tagObject(_ tags: [String]) -> String {
        var members: [JSONObject.Member] = []
        for tag in tags {
            if let colon = tag.firstIndex(of: ":") {
                let key = tag[..<colon].trimmingCharacters(in: .whitespaces)
                let value = tag[tag.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                members.append(.init(key: key, value: .string(value)))
            } else {
                members.append(.init(key: tag.trimmingCharacters(in: .whitespaces), value: .bool(true)))
            }
        }
        return JSONValue.object(JSONObject(members)).serialized
    }

    static let tileTypes: Set<String> = ["vector tile service", "map service", "image service", "scene service", "elevation layer"]

    static func storageClass(_ item: ArcGISItemsPage.Item, size: Int64) -> String {
        let type = (item.type ?? "").lowercased()
        let keywords = Set(item.typeKeywords.map { $0.lowercased() })
        let hosted = keywords.contains("hosted service")
        if size == 0 || keywords.contains("view service") { return "none" }
        if type == "feature service" { return hosted ? "feature" : "none" }
        if tileTypes.contains(type) { return hosted ? "tile" : "none" }
        if item.url != nil && !hosted && type.hasSuffix("service") { return "none" }
        return "file"
    }

    /// Users: one `users` row each (tags as a JSON array) and their credit budget on `asOf`
    /// (both values NULL when budgeting is off).
    public static func arcgisUsers(_ page: ArcGISUsersPage, source: String, org: String?, asOf: UTCTime) -> FactBatch {
        var batch = FactBatch()
        batch.records = page.users.count
        for user in page.users {
            batch.users.append(
                UserFact(
                    source: source, userName: user.username, orgID: user.orgID ?? org, fullName: user.fullName, email: user.email,
                    role: user.role, tags: jsonArray(user.tags), disabled: user.disabled, createdAt: user.created?.iso8601))
            batch.creditBudgets.append(
                CreditBudgetFact(
                    source: source, userName: user.username, snapshotDate: asOf.day, assignedCredits: user.assignedCredits,
                    availableCredits: user.availableCredits))
        }
        return batch
    }

    /// `portals/self`: the org's available credits on `asOf`.
    public static func arcgisPortal(_ portal: ArcGISPortal, source: String, asOf: UTCTime) -> FactBatch {
        var batch = FactBatch()
        batch.records = 1
        if let credits = portal.availableCredits {
            batch.orgCredits.append(
                OrgCreditFact(
                    source: source, orgID: portal.id, snapshotDate: asOf.day, availableCredits: credits,
                    budgetingEnabled: portal.creditBudgeting))
        } else {
            batch.warnings.append("org \(portal.id): no availableCredits in the document")
        }
        return batch
    }
}
