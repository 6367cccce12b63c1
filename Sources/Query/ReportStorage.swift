import Foundation
import Load
import WarehouseCore

extension ReportBuilder {
    /// ArcGIS Online storage rates: feature storage 2.4 credits per 10 MB per month, file storage
    /// (files, tiles, feature-service attachments) 1.2 credits per GB per month, MB = 1024² bytes
    /// and GB = 1024³ (https://doc.arcgis.com/en/arcgis-online/administer/credits.htm).
    static let featureCreditsPerByte = Decimal(24) / 10 / Decimal(10 * 1024 * 1024)
    static let fileCreditsPerByte = Decimal(12) / 10 / Decimal(1024 * 1024 * 1024)

    /// Storage credits per owner and item, features and attachments apart (the first seed's table).
    ///
    /// Storage is a level, never a flow: for each item and month the bytes are the average of that
    /// month's snapshots, priced for one month; a range of months adds the months' credits. A feature
    /// item's feature bytes are `feature_bytes` (or, when the importer did not split them,
    /// `size_bytes - attachment_bytes`); its attachments are billed at the file rate; a file or
    /// tile item's `size_bytes` are file storage; views (`none`) cost nothing.
    func storage(_ period: ReportPeriod) throws -> [Report.Section] {
        let (start, end) = period.bounds
        struct Item { var owner = "", title: String?, type: String?, featureBytes = Decimal(0), fileBytes = Decimal(0), featureCredits = Decimal(0), fileCredits = Decimal(0) }
        struct Month { var snapshots = 0, featureBytes = Decimal(0), fileBytes = Decimal(0) }
        var items: [String: Item] = [:]
        var months: [String: [String: Month]] = [:]
        try db.query("""
            SELECT source || '/' || item_id, substr(CAST(snapshot_date AS TEXT), 1, 7), owner, title, item_type, storage_class,
                   size_bytes, feature_bytes, attachment_bytes, item_id
            FROM storage_snapshots WHERE snapshot_date >= ?1 AND snapshot_date < ?2
            ORDER BY snapshot_date
            """, String(start.prefix(10)), String(end.prefix(10))) { row in
            let key = row.string(0)
            var item = items[key] ?? Item()
            item.owner = row.string(2)  // the latest snapshot's owner (rows come in date order)
            item.title = row.optionalString(3) ?? item.title
            item.type = row.optionalString(4) ?? item.type
            items[key] = item
            let size = row.int64(6), feature = row.int64(7), attachment = row.int64(8)
            var featureBytes: Int64 = 0, fileBytes: Int64 = 0
            switch row.string(5) {
            case "feature":
                featureBytes = feature > 0 ? feature : max(size - attachment, 0)
                fileBytes = attachment
            case "file", "tile":
                fileBytes = size
            default:
                break
            }
            var month = months[key, default: [:]][row.string(1)] ?? Month()
            month.snapshots += 1
            month.featureBytes += Decimal(featureBytes)
            month.fileBytes += Decimal(fileBytes)
            months[key, default: [:]][row.string(1)] = month
        }
        let monthCount = Decimal(period.months.count)
        for (key, perMonth) in months {
            for month in perMonth.values where month.snapshots > 0 {
                let feature = month.featureBytes / Decimal(month.snapshots), file = month.fileBytes / Decimal(month.snapshots)
                items[key]?.featureCredits += feature * Self.featureCreditsPerByte
                items[key]?.fileCredits += file * Self.fileCreditsPerByte
                // Sizes shown: the average level over the months of the range that have snapshots.
                items[key]?.featureBytes += feature / monthCount
                items[key]?.fileBytes += file / monthCount
            }
        }
        let mb = Decimal(1024 * 1024), gb = Decimal(1024 * 1024 * 1024)
        let sortedItems = items.sorted { a, b in
            let ca = a.value.featureCredits + a.value.fileCredits, cb = b.value.featureCredits + b.value.fileCredits
            if a.value.owner != b.value.owner { return a.value.owner < b.value.owner }
            return ca != cb ? ca > cb : a.key < b.key
        }
        let itemRows: [[String?]] = sortedItems.map { key, item in
            [item.owner, String(key.split(separator: "/", maxSplits: 1).last ?? ""), item.title, item.type,
             DecimalText.rounded(item.featureBytes / mb, scale: 3), Self.credits(item.featureCredits),
             DecimalText.rounded(item.fileBytes / gb, scale: 6), Self.credits(item.fileCredits),
             Self.credits(item.featureCredits + item.fileCredits)]
        }
        var owners: [String: (Decimal, Decimal, Int)] = [:]
        for item in items.values {
            let current = owners[item.owner] ?? (0, 0, 0)
            owners[item.owner] = (current.0 + item.featureCredits, current.1 + item.fileCredits, current.2 + 1)
        }
        let ownerRows: [[String?]] = owners.sorted { a, b in
            let ca = a.value.0 + a.value.1, cb = b.value.0 + b.value.1
            return ca != cb ? ca > cb : a.key < b.key
        }.map { owner, sums in
            [owner, String(sums.2), Self.credits(sums.0), Self.credits(sums.1), Self.credits(sums.0 + sums.1)]
        }
        return [
            Report.Section(
                name: "by_owner", title: "Storage credits by owner, \(period)",
                columns: ["owner", "items", "feature_credits", "file_credits", "credits"], numeric: [1, 2, 3, 4], rows: ownerRows),
            Report.Section(
                name: "by_item", title: "Storage credits by item, \(period) (features and attachments apart)",
                columns: ["owner", "item_id", "title", "type", "feature_mb", "feature_credits", "file_gb", "file_credits", "credits"],
                numeric: [4, 5, 6, 7, 8], rows: itemRows),
        ]
    }
}
